package tokens

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRedactTokens(t *testing.T) {
	tok := sign(t, joinClaims(), testSecret)
	parts := strings.Split(tok, ".")
	other := sign(t, with(joinClaims(), "sub", "bob"), "x")
	for _, in := range []string{
		"invalid token: " + tok + ", error: token is expired",
		"signature " + parts[2] + " does not match",
		"payload " + parts[1],
		"someone else's " + other,
	} {
		got := RedactTokens(in, tok)
		for _, secret := range append(parts, tok, other) {
			if strings.Contains(got, secret) {
				t.Errorf("RedactTokens(%q) = %q still holds a token part", in, got)
			}
		}
		if !strings.Contains(got, redactedToken) {
			t.Errorf("RedactTokens(%q) = %q marks nothing", in, got)
		}
	}
	if got := RedactTokens("permissions denied", tok); got != "permissions denied" {
		t.Errorf("plain text changed: %q", got)
	}
}

// TestAskServerHostileAnswers: the server's text is redacted, sanitised and
// bounded; redirects are not followed (they would carry the token on); a
// failed request does not quote the URL, token included.
func TestAskServerHostileAnswers(t *testing.T) {
	tok := sign(t, joinClaims(), testSecret)
	var redirected bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/rtc/validate":
			if r.URL.Query().Get("access_token") != tok {
				t.Errorf("the server got token %q", r.URL.Query().Get("access_token"))
			}
			if r.Host == "redirect.example" {
				http.Redirect(w, r, "/elsewhere?"+r.URL.RawQuery, http.StatusFound)
				return
			}
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte("\x1b[31mno\x1b[0m: " + tok + strings.Repeat(" padding", 200)))
		default:
			redirected = true
		}
	}))
	defer srv.Close()
	v, err := AskServer(context.Background(), nil, srv.URL, tok)
	if err != nil {
		t.Fatal(err)
	}
	if v.Accepted || v.Status != 401 || strings.Contains(v.Reason, "\x1b") || strings.Contains(v.Reason, tok) || len(v.Reason) > 400 {
		t.Errorf("verdict = %+v", v)
	}
	_, err = AskServer(context.Background(), nil, "http://127.0.0.1:1", tok)
	if err == nil || strings.Contains(err.Error(), tok) || strings.Contains(err.Error(), strings.Split(tok, ".")[2]) {
		t.Errorf("err = %v", err)
	}
	client := &http.Client{Transport: hostRewriter{host: "redirect.example", rt: http.DefaultTransport}}
	v, err = AskServer(context.Background(), client, srv.URL, tok)
	if err != nil || v.Status != http.StatusFound || redirected {
		t.Errorf("redirect: verdict %+v err %v followed=%v", v, err, redirected)
	}
}

// hostRewriter sends requests with another Host header.
type hostRewriter struct {
	host string
	rt   http.RoundTripper
}

func (h hostRewriter) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Host = h.host
	return h.rt.RoundTrip(r)
}

func TestCompare(t *testing.T) {
	refused := ServerVerdict{Status: 401, Reason: "signature is invalid"}
	accepted := ServerVerdict{Status: 200, Accepted: true, Reason: "success"}
	for _, tt := range []struct {
		name      string
		v         Validity
		s         ServerVerdict
		agree     bool
		explained bool
		note      string
	}{
		{"both valid", Validity{Valid: true, Signature: SignatureVerified}, accepted, true, false, ""},
		{"both refuse", Validity{Signature: SignatureVerified}, refused, true, false, ""},
		{"no secret here", Validity{Valid: true, Signature: SignatureUnverified}, refused, false, true, "no secret"},
		{"our bug: too lenient", Validity{Valid: true, Signature: SignatureVerified}, ServerVerdict{Status: 401, Reason: "invalid token: ‹token›, error: token is expired"}, false, false, "DISAGREEMENT: lkdash says valid"},
		{"minted with a secret the server does not hold", Validity{Valid: true, Signature: SignatureVerified},
			ServerVerdict{Status: 401, Reason: "invalid token: ‹token›, error: token signature is invalid: signature is invalid"}, false, true, "not the one the server holds"},
		{"minted with a key the server does not hold", Validity{Valid: true, Signature: SignatureVerified},
			ServerVerdict{Status: 401, Reason: "invalid API key: nokey"}, false, true, "holds no such API key"},
		{"our bug: too strict", Validity{Signature: SignatureVerified}, accepted, false, false, "DISAGREEMENT: lkdash says invalid"},
		{"wrong secret here", Validity{Signature: SignatureInvalid, Problems: []string{"signature is invalid"}}, accepted, false, true, "not the one the server holds"},
		{"wrong secret and expired", Validity{Signature: SignatureInvalid, Problems: []string{"signature is invalid", "expired"}}, accepted, false, false, "DISAGREEMENT"},
	} {
		a := Compare(tt.v, tt.s)
		if a.Agree != tt.agree || a.Explained != tt.explained || !strings.Contains(a.Note, tt.note) {
			t.Errorf("%s: %+v", tt.name, a)
		}
	}
}

// FuzzRedactTokens: whatever the server's text, the token it is about
// never survives redaction.
func FuzzRedactTokens(f *testing.F) {
	tok := sign(f, joinClaims(), testSecret)
	f.Add("invalid token: "+tok+", error: token is expired", tok)
	f.Add("permissions denied", tok)
	f.Add(tok+tok, tok)
	f.Add("x"+strings.ReplaceAll(tok, ".", ". "), tok)
	f.Fuzz(func(t *testing.T, text, token string) {
		got := RedactTokens(text, token)
		if tr := strings.TrimSpace(token); tr != "" && strings.Contains(got, tr) && !strings.Contains(redactedToken, tr) {
			t.Fatalf("RedactTokens(%q, %q) = %q still holds the token", text, token, got)
		}
	})
}
