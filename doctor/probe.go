package doctor

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/websocket"
	"github.com/livekit/protocol/livekit"
	"google.golang.org/protobuf/proto"
)

// probeTimeout bounds each request of the URL check.
const probeTimeout = 5 * time.Second

// bodyLimit is how much of an answer is kept.
const bodyLimit = 200

// prober makes the URL check's requests, trusting the configured roots and
// never following a redirect (it would carry the token elsewhere).
type prober struct {
	client *http.Client
	dialer websocket.Dialer
	token  string
}

func newProber(roots *x509.CertPool, token string) *prober {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	// Two configs: net/http adds "h2" to the one it is given, which would
	// break a WebSocket handshake sharing it.
	tr.TLSClientConfig = &tls.Config{RootCAs: roots}
	return &prober{
		client: &http.Client{
			Transport:     tr,
			Timeout:       probeTimeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		dialer: websocket.Dialer{Proxy: http.ProxyFromEnvironment, HandshakeTimeout: probeTimeout, TLSClientConfig: &tls.Config{RootCAs: roots}},
		token:  token,
	}
}

func (p *prober) close() { p.client.CloseIdleConnections() }

// answer reads what a response says, bounded, sanitised, token redacted.
func (p *prober) answer(resp *http.Response) HTTPAnswer {
	a := HTTPAnswer{Status: resp.StatusCode}
	if resp.Body != nil {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		resp.Body.Close()
		a.Body = safe(strings.TrimSpace(string(b)), p.token)
		if len(a.Body) > bodyLimit {
			a.Body = a.Body[:bodyLimit] + "…"
		}
	}
	return a
}

func (p *prober) failed(err error) HTTPAnswer {
	var ue *url.Error
	if errors.As(err, &ue) { // it quotes the URL
		err = ue.Err
	}
	return HTTPAnswer{Error: safe(err.Error(), p.token)}
}

// get is GET u.
func (p *prober) get(ctx context.Context, u string) HTTPAnswer {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return p.failed(err)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return p.failed(err)
	}
	return p.answer(resp)
}

// twirp asks RoomService for the room list without credentials: a server
// whose API is reachable answers 401.
func (p *prober) twirp(ctx context.Context, base string) HTTPAnswer {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/twirp/livekit.RoomService/ListRooms", strings.NewReader("{}"))
	if err != nil {
		return p.failed(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.client.Do(req)
	if err != nil {
		return p.failed(err)
	}
	return p.answer(resp)
}

// upgrade opens the signal WebSocket the way the SDK does (the token as a
// Bearer header), and on success leaves at once so the server does not
// keep a participant around.
func (p *prober) upgrade(ctx context.Context, wsURL string) HTTPAnswer {
	h := http.Header{"Authorization": {"Bearer " + p.token}}
	conn, resp, err := p.dialer.DialContext(ctx, wsURL+"?auto_subscribe=0", h)
	if err != nil {
		if resp != nil {
			return p.answer(resp)
		}
		return p.failed(err)
	}
	leave, _ := proto.Marshal(&livekit.SignalRequest{Message: &livekit.SignalRequest_Leave{
		Leave: &livekit.LeaveRequest{Reason: livekit.DisconnectReason_CLIENT_INITIATED},
	}})
	_ = conn.WriteMessage(websocket.BinaryMessage, leave)
	_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	conn.Close()
	return HTTPAnswer{Status: http.StatusSwitchingProtocols}
}

// joinURLPath appends p to a base URL's path (a server may live under one).
func joinURLPath(base *url.URL, p string) string {
	u := *base
	u.Path = strings.TrimSuffix(u.Path, "/") + p
	u.RawPath = ""
	return u.String()
}
