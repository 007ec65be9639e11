package tokens

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

const srcOKBody = `{"server_url":"wss://lk.example","participant_token":"tok"}`

// srcServer starts an httptest server closed at cleanup.
func srcServer(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// srcHangingServer never answers: its handler blocks until the client gives
// up or the test ends (the release is registered after srv.Close, so it runs
// first). arrived, if not nil, is closed when the request comes in.
func srcHangingServer(t *testing.T, arrived chan struct{}) *httptest.Server {
	block := make(chan struct{})
	srv := srcServer(t, func(w http.ResponseWriter, r *http.Request) {
		if arrived != nil {
			close(arrived)
		}
		select {
		case <-block:
		case <-r.Context().Done():
		}
	})
	t.Cleanup(func() { close(block) })
	return srv
}

func TestEndpointSendsRequest(t *testing.T) {
	var gotMethod, gotCT, gotAuth, gotBody string
	srv := srcServer(t, func(w http.ResponseWriter, r *http.Request) {
		gotMethod, gotCT, gotAuth = r.Method, r.Header.Get("Content-Type"), r.Header.Get("Authorization")
		b, _ := io.ReadAll(r.Body)
		gotBody = string(b)
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"serverUrl":"wss://lk.example","participantToken":"tok","room_name":"r"}`)
	})
	e := &Endpoint{URL: srv.URL + "/token", Headers: http.Header{"Authorization": {"Bearer s3cret"}}}
	r, err := e.Fetch(context.Background(), Options{RoomName: "r", AgentName: "a"})
	if err != nil {
		t.Fatal(err)
	}
	want := Response{ServerURL: "wss://lk.example", ParticipantToken: "tok", RoomName: "r"}
	if r != want {
		t.Errorf("got %+v, want %+v", r, want)
	}
	if gotMethod != "POST" || gotCT != "application/json" || gotAuth != "Bearer s3cret" {
		t.Errorf("method %q content-type %q auth %q", gotMethod, gotCT, gotAuth)
	}
	if wantBody := `{"room_name":"r","room_config":{"agents":[{"agent_name":"a"}]}}`; gotBody != wantBody {
		t.Errorf("body %s, want %s", gotBody, wantBody)
	}
	if s := e.String(); strings.Contains(s, "s3cret") || !strings.Contains(s, "Authorization") {
		t.Errorf("String() = %q", s)
	}
}

func TestEndpointMethodConfigurable(t *testing.T) {
	var got string
	srv := srcServer(t, func(w http.ResponseWriter, r *http.Request) {
		got = r.Method
		io.WriteString(w, srcOKBody)
	})
	if _, err := (&Endpoint{URL: srv.URL, Method: "put"}).Fetch(context.Background(), Options{}); err != nil {
		t.Fatal(err)
	}
	if got != "PUT" {
		t.Errorf("method %q, want PUT", got)
	}
}

func TestEndpointErrors(t *testing.T) {
	big := strings.Repeat("x", 20<<20)
	tests := []struct {
		name    string
		handler http.HandlerFunc
		path    string
		hang    bool          // a server that never answers
		timeout time.Duration // Endpoint.Timeout
		check   func(t *testing.T, err error)
		errText []string
	}{
		{name: "401 with body", handler: func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, `{"error":"bad sandbox id"}`, http.StatusUnauthorized)
		}, check: func(t *testing.T, err error) {
			var he *HTTPError
			if !errors.As(err, &he) || he.Status != 401 || he.Method != "POST" || he.Truncated {
				t.Fatalf("err = %#v", err)
			}
		}, errText: []string{"401", "Unauthorized", "bad sandbox id"}},
		{name: "500 long body is truncated", handler: func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(500)
			io.WriteString(w, "boom "+strings.Repeat("y", 10<<10))
		}, check: func(t *testing.T, err error) {
			var he *HTTPError
			if !errors.As(err, &he) || he.Status != 500 || !he.Truncated || len(he.Body) > 2<<10 {
				t.Fatalf("err = %v (truncated %v, body %d bytes)", err, he != nil && he.Truncated, len(he.Body))
			}
		}, errText: []string{"HTTP 500", "boom", "…"}},
		{name: "404 html", handler: func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(404)
			io.WriteString(w, "<html>\x1b[31mnope</html>")
		}, check: func(t *testing.T, err error) {
			var he *HTTPError
			if !errors.As(err, &he) || strings.Contains(he.Body, "\x1b") {
				t.Fatalf("err = %q", err)
			}
		}, errText: []string{"404"}},
		{name: "html 200", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "<!doctype html><title>Login</title>")
		}, check: srcWantFormatError, errText: []string{"HTML", "Login"}},
		{name: "truncated json", handler: func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `{"server_url":"wss://x","participant_tok`)
		}, check: srcWantFormatError, errText: []string{"truncated"}},
		{name: "missing server_url", handler: func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `{"participant_token":"t"}`)
		}, check: srcWantMissing("server_url"), errText: []string{"server_url"}},
		{name: "missing participant_token", handler: func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `{"server_url":"wss://x"}`)
		}, check: srcWantMissing("participant_token"), errText: []string{"participant_token"}},
		{name: "empty 200", handler: func(w http.ResponseWriter, r *http.Request) {},
			check: srcWantFormatError, errText: []string{"empty"}},
		{name: "20 MB body with length", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", strconv.Itoa(len(big)))
			io.WriteString(w, big)
		}, check: srcWantFormatError, errText: []string{"20971520 bytes, larger than 1 MiB; not read"}},
		{name: "20 MB body chunked", handler: func(w http.ResponseWriter, r *http.Request) {
			for i := 0; i < 20; i++ {
				if _, err := io.WriteString(w, big[:1<<20]); err != nil {
					return // the client stopped reading, as it should
				}
				w.(http.Flusher).Flush()
			}
		}, check: srcWantFormatError, errText: []string{"larger than 1 MiB; stopped reading"}},
		{name: "302 would turn POST into GET", path: "/old", handler: func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/old" {
				http.Redirect(w, r, "/new", http.StatusFound)
				return
			}
			io.WriteString(w, srcOKBody)
		}, errText: []string{"302", "/new", "POST into GET", "307/308"}},
		{name: "server never answers", hang: true, timeout: 200 * time.Millisecond, check: func(t *testing.T, err error) {
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("err = %v, want DeadlineExceeded", err)
			}
		}, errText: []string{"timed out after 200ms"}},
		{name: "redirect loop", path: "/a", handler: func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, r.URL.Path+"a", http.StatusTemporaryRedirect)
		}, errText: []string{"stopped after 3 redirects"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var srv *httptest.Server
			if tt.hang {
				srv = srcHangingServer(t, nil)
			} else {
				srv = srcServer(t, tt.handler)
			}
			e := &Endpoint{URL: srv.URL + tt.path + "?key=querysecret", Headers: http.Header{"Authorization": {"Bearer s3cret"}}, Timeout: tt.timeout}
			_, err := e.Fetch(context.Background(), Options{RoomName: "r"})
			srcExpectErr(t, err, tt.check, tt.errText)
			for _, secret := range []string{"s3cret", "querysecret", "\x1b"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error leaks %q: %q", secret, err)
				}
			}
		})
	}
}

func srcWantFormatError(t *testing.T, err error) {
	t.Helper()
	var rf *ResponseFormatError
	if !errors.As(err, &rf) {
		t.Fatalf("err = %v (%T), want *ResponseFormatError", err, err)
	}
}

func srcWantMissing(field string) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var mf *MissingFieldError
		if !errors.As(err, &mf) || mf.Field != field {
			t.Fatalf("err = %v, want MissingFieldError{%s}", err, field)
		}
	}
}

func TestEndpointContextCancel(t *testing.T) {
	arrived := make(chan struct{})
	srv := srcHangingServer(t, arrived)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-arrived; cancel() }()
	_, err := (&Endpoint{URL: srv.URL}).Fetch(ctx, Options{})
	if !errors.Is(err, context.Canceled) || strings.Contains(err.Error(), "timed out") {
		t.Fatalf("err = %v", err)
	}
}

func TestEndpointRedirect307KeepsPOSTAndBody(t *testing.T) {
	var method, body, auth string
	srv := srcServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/old" {
			http.Redirect(w, r, "/new", http.StatusTemporaryRedirect)
			return
		}
		b, _ := io.ReadAll(r.Body)
		method, body, auth = r.Method, string(b), r.Header.Get("Authorization")
		io.WriteString(w, srcOKBody)
	})
	e := &Endpoint{URL: srv.URL + "/old", Headers: http.Header{"Authorization": {"Bearer x"}}}
	if _, err := e.Fetch(context.Background(), Options{RoomName: "r"}); err != nil {
		t.Fatal(err)
	}
	if method != "POST" || body != `{"room_name":"r"}` || auth != "Bearer x" {
		t.Errorf("after 307: method %q body %q auth %q", method, body, auth)
	}
}

func TestEndpointRedirectOfGETFollowed(t *testing.T) {
	srv := srcServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/old" {
			http.Redirect(w, r, "/new", http.StatusFound)
			return
		}
		io.WriteString(w, srcOKBody)
	})
	if _, err := (&Endpoint{URL: srv.URL + "/old", Method: "GET"}).Fetch(context.Background(), Options{}); err != nil {
		t.Fatal(err)
	}
}

func TestEndpointBadURL(t *testing.T) {
	for _, u := range []string{"", "ftp://x/y", "://nope"} {
		if _, err := (&Endpoint{URL: u}).Fetch(context.Background(), Options{}); err == nil {
			t.Errorf("URL %q: no error", u)
		}
	}
}

func TestTimeoutDefault(t *testing.T) {
	for _, d := range []time.Duration{0, -time.Second} {
		if got := timeoutOrDefault(d); got != 30*time.Second {
			t.Errorf("timeoutOrDefault(%v) = %v", d, got)
		}
	}
}

// srcURLServer starts an httptest server for h, closed at cleanup, and returns its URL.
func srcURLServer(tb testing.TB, h http.Handler) string {
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return srv.URL
}

// srcExpectErr fails unless err is non-nil, passes check (when given) and
// mentions every string in texts.
func srcExpectErr(t *testing.T, err error, check func(*testing.T, error), texts []string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	if check != nil {
		check(t, err)
	}
	for _, s := range texts {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not mention %q", err, s)
		}
	}
}
