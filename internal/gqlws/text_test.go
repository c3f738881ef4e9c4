package gqlws_test

import (
	"testing"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/gqlws"
)

func TestSubscribe_RefusesTextThatIsNotUnicode(t *testing.T) {
	t.Parallel()
	b, started := setupCounting(t, &gqlws.Transport{})
	c := dial(t, b.url, nil)
	initConn(t, c)

	for id, raw := range map[string]string{
		"bytes":     `{"id":"bytes","type":"subscribe","payload":{"query":"subscription { name }","variables":{"v":"a` + "\xff" + `"}}}`,
		"surrogate": `{"id":"surrogate","type":"subscribe","payload":{"query":"subscription { name }","variables":{"v":"\ud800"}}}`,
	} {
		require.NoError(t, c.WriteMessage(websocket.TextMessage, []byte(raw)))
		require.Equal(t, `{"id":"`+id+`","type":"error","payload":[{"message":"the payload contains text that is not valid Unicode (UTF-8)","extensions":{"code":"INVALID_INPUT"}}]}`,
			readRaw(t, c))
	}
	requirePingPong(t, c) // the connection stays open
	require.Zero(t, started.Load(), "nothing reached the executor")
}
