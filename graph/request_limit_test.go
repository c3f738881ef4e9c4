package graph_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/graph"
)

const tooLargeBody = `{"errors":[{"message":"request body too large","extensions":{"code":"INVALID_INPUT"}}]}`

// sendSlowly writes a request of head and n body bytes the way Python's
// urllib does: the whole body, in pieces, before reading anything. chunked
// sends it without a length.
func sendSlowly(t *testing.T, b *bundle, n int, chunked bool) (*http.Response, string) {
	t.Helper()
	c, err := net.Dial("tcp", b.srv.Listener.Addr().String())
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.SetDeadline(time.Now().Add(time.Minute)))
	head := "POST /query HTTP/1.1\r\nHost: otwarty.test\r\nContent-Type: application/json\r\n"
	if chunked {
		head += "Transfer-Encoding: chunked\r\n\r\n"
	} else {
		head += fmt.Sprintf("Content-Length: %d\r\n\r\n", n)
	}
	_, err = io.WriteString(c, head)
	require.NoError(t, err)
	piece := []byte(`{"query":"{ __typename }"` + strings.Repeat(" ", 64<<10-26))
	for sent := 0; sent < n; sent += len(piece) {
		p := piece[:min(len(piece), n-sent)]
		if chunked {
			_, err = fmt.Fprintf(c, "%x\r\n%s\r\n", len(p), p)
		} else {
			_, err = c.Write(p)
		}
		require.NoError(t, err, "written %d of %d bytes", sent, n)
		time.Sleep(20 * time.Millisecond) // the server has long answered by now
	}
	if chunked {
		_, err = io.WriteString(c, "0\r\n\r\n")
		require.NoError(t, err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(data)
}

// A client that sends its whole body before reading reads the 413 and its
// error, not a reset.
func TestRequest_TooLargeIsAnsweredToAClientStillSending(t *testing.T) {
	t.Parallel()
	b := setup(t)
	limit := int(graph.DefaultLimits().PayloadBytes)
	for _, chunked := range []bool{false, true} {
		resp, body := sendSlowly(t, b, 3*limit, chunked)
		require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, "chunked %v", chunked)
		require.True(t, resp.Close, "Connection: close")
		require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
		require.Equal(t, tooLargeBody, body)
	}
}

// A body far beyond what is read for the answer is cut off: the server
// stops reading and closes, and the client's writes fail long before the
// end of its gigabyte.
func TestRequest_FarTooLargeIsCutOff(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c, err := net.Dial("tcp", b.srv.Listener.Addr().String())
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.SetDeadline(time.Now().Add(time.Minute)))
	_, err = fmt.Fprintf(c, "POST /query HTTP/1.1\r\nHost: otwarty.test\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", 1<<30)
	require.NoError(t, err)
	piece := make([]byte, 64<<10)
	sent := 0
	for ; sent < 1<<30; sent += len(piece) {
		if _, err = c.Write(piece); err != nil {
			break
		}
	}
	require.Error(t, err, "the server stopped reading")
	require.False(t, strings.Contains(err.Error(), "timeout"), err.Error())
	// Read: at most 4 times the limit, plus what the sockets hold.
	require.Less(t, sent, 64<<20, "sent %d bytes", sent)
}
