package replay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Client speaks GraphQL over HTTP to an otwarty server, as any client
// would: no access to the database or the services. Its methods may be
// called from many goroutines.
type Client struct {
	// Token, if set, is sent as the bearer token of every request; set it
	// before the first request (SignIn returns one).
	Token string

	url  string
	http *http.Client
	log  io.Writer

	rateLimited atomic.Int64 // RATE_LIMITED answers retried
	warnOnce    sync.Once
}

// NewClient is a client of the GraphQL endpoint url that keeps up to
// conns+8 idle connections (conns: the requests it will make at once) and
// says on log, once, when the server limits its rate.
func NewClient(url string, conns int, log io.Writer) *Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = conns + 8
	tr.MaxIdleConnsPerHost = conns + 8
	return &Client{url: url, http: &http.Client{Transport: tr, Timeout: 2 * time.Minute}, log: log}
}

// Error is an error in a GraphQL answer.
type Error struct {
	Message    string `json:"message"`
	Extensions struct {
		Code  string `json:"code"`
		Field string `json:"field"`
	} `json:"extensions"`
	Path []any `json:"path"`
}

func (e *Error) Error() string {
	s := e.Message
	if e.Extensions.Code != "" {
		s += " (" + e.Extensions.Code
		if e.Extensions.Field != "" {
			s += " on " + e.Extensions.Field
		}
		s += ")"
	}
	return s
}

// ErrCode returns the extensions.code of a GraphQL error, "" otherwise.
func ErrCode(err error) string {
	var ge *Error
	if errors.As(err, &ge) {
		return ge.Extensions.Code
	}
	return ""
}

// Retry limits. RATE_LIMITED is retried with exponential backoff for up
// to rateLimitPatience; transport failures (only for operations that are
// safe to repeat) a few times.
const (
	rateLimitPatience = 5 * time.Minute
	transportRetries  = 4
)

// Do runs one operation and decodes its data into out (if not nil).
// RATE_LIMITED answers are retried with backoff; idempotent operations
// (queries, and mutations keyed by the client such as castBallotWithCode)
// are also retried after transport errors. A GraphQL error is an *Error.
func (c *Client) Do(ctx context.Context, query string, vars map[string]any, out any, idempotent bool) error {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return err
	}
	backoff := 50 * time.Millisecond
	deadline := time.Now().Add(rateLimitPatience)
	transportFailures := 0
	for {
		err := c.once(ctx, body, out)
		var wait bool
		switch {
		case err == nil:
			return nil
		case ErrCode(err) == "RATE_LIMITED" && time.Now().Before(deadline):
			c.rateLimited.Add(1)
			c.warnOnce.Do(func() {
				fmt.Fprintln(c.log, "replay: the server answers RATE_LIMITED; retrying politely with backoff (start the server with OTWARTY_RATE_ANONYMOUS=0/0 and OTWARTY_RATE_WRITES=0/0 for a benchmark)")
			})
			wait = true
		case idempotent && ErrCode(err) == "" && ctx.Err() == nil && transportFailures < transportRetries:
			transportFailures++
			wait = true
		}
		if !wait {
			return err
		}
		// Jitter spreads the retries of concurrent clients.
		d := backoff/2 + rand.N(backoff)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

func (c *Client) once(ctx context.Context, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json, application/json")
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var r struct {
		Data   json.RawMessage `json:"data"`
		Errors []Error         `json:"errors"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return fmt.Errorf("HTTP %d, not a GraphQL answer: %.200s", resp.StatusCode, raw)
	}
	if len(r.Errors) > 0 {
		e := r.Errors[0]
		return &e
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, raw)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(r.Data, out)
}
