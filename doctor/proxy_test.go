package doctor

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"
)

// dropUpgradeProxy forwards every request to target as plain HTTP, without
// the Upgrade and Connection headers: the classic proxy misconfiguration.
func dropUpgradeProxy(t *testing.T, target string) *httptest.Server {
	t.Helper()
	p := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, err := http.NewRequestWithContext(r.Context(), r.Method, target+r.URL.RequestURI(), r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		for k, v := range r.Header {
			if k != "Upgrade" && k != "Connection" && !strings.HasPrefix(k, "Sec-Websocket") {
				req.Header[k] = v
			}
		}
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	}))
	t.Cleanup(p.Close)
	return p
}

// prefixProxy forwards everything to target under an added path prefix,
// WebSocket upgrades included.
func prefixProxy(t *testing.T, target, prefix string) *httptest.Server {
	t.Helper()
	u, _ := url.Parse(target + prefix)
	p := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) { pr.SetURL(u) }})
	t.Cleanup(p.Close)
	return p
}

func TestProxyThatDropsUpgrade(t *testing.T) {
	t.Parallel()
	srv := shared.Server(t)
	p := dropUpgradeProxy(t, srv.HTTPURL)
	res := runChecks(t, Config{Source: mintAt(srv, strings.Replace(p.URL, "http", "ws", 1))}, CheckURL, CheckSignal)
	want(t, res[CheckURL], Fail, "proxy", "drops Upgrade", "/rtc/validate answers (200)", "proxy_set_header Upgrade")
	// The join says the same, not that it timed out.
	want(t, res[CheckSignal], Fail, "not upgraded to a WebSocket", "HTTP 404", "dropped its Upgrade header")
}

// TestWebAppAnswersTheSignalPath: a web app (or CDN) at the URL answers
// every path with its page: the url check and the join both name it.
func TestWebAppAnswersTheSignalPath(t *testing.T) {
	t.Parallel()
	srv := shared.Server(t)
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "<html>my app</html>")
	}))
	t.Cleanup(app.Close)
	res := runChecks(t, Config{Source: mintAt(srv, strings.Replace(app.URL, "http", "ws", 1))}, CheckURL, CheckSignal)
	want(t, res[CheckURL], Fail, "got 200 instead of 101", "my app")
	want(t, res[CheckSignal], Fail, "not upgraded to a WebSocket", "HTTP 200", "answered it itself")
}

func TestProxyThatAddsAPrefix(t *testing.T) {
	t.Parallel()
	srv := shared.Server(t)
	p := prefixProxy(t, srv.HTTPURL, "/livekit")
	res := runChecks(t, Config{Source: mintAt(srv, strings.Replace(p.URL, "http", "ws", 1))}, CheckURL, CheckSignal)
	want(t, res[CheckURL], Fail, "404 on /rtc and on /rtc/validate", "prefix")
	want(t, res[CheckSignal], Fail)
}

// TestSignalPathPastedAsTheURL: livekit-server itself answers 404 to the
// /rtc/rtc and /rtc/rtc/validate a URL ending in /rtc leads to, and the
// cause names the suffix and the URL to use.
func TestSignalPathPastedAsTheURL(t *testing.T) {
	t.Parallel()
	srv := shared.Server(t)
	res := runChecks(t, Config{Source: mintAt(srv, srv.URL+"/rtc")}, CheckURL)
	want(t, res[CheckURL], Fail, "already ends in /rtc", "use "+srv.URL+" as the server URL")
}

// testCA is a certificate authority made for one test.
type testCA struct {
	cert *x509.Certificate
	key  *rsa.PrivateKey
	pool *x509.CertPool
}

func newTestCA(t *testing.T) *testCA {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "lkdash test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &testCA{cert: cert, key: key, pool: pool}
}

// leaf issues a server certificate for the names, valid from notBefore to
// notAfter.
func (ca *testCA) leaf(t *testing.T, dnsNames []string, ips []net.IP, notBefore, notAfter time.Time) tls.Certificate {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "livekit test server"},
		DNSNames: dnsNames, IPAddresses: ips, NotBefore: notBefore, NotAfter: notAfter,
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der, ca.cert.Raw}, PrivateKey: key}
}

// tlsProxy terminates TLS with cert in front of target, as a load
// balancer would, WebSocket upgrades included.
func tlsProxy(t *testing.T, target string, cert tls.Certificate) string {
	t.Helper()
	u, _ := url.Parse(target)
	p := httptest.NewUnstartedServer(&httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) { pr.SetURL(u) }})
	p.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	p.StartTLS()
	t.Cleanup(p.Close)
	return strings.Replace(p.URL, "https", "wss", 1)
}

func TestTLSCertificateProblemsAreNamed(t *testing.T) {
	t.Parallel()
	srv := shared.Server(t)
	ca := newTestCA(t)
	now := time.Now()
	loopback := []net.IP{net.IPv4(127, 0, 0, 1)}
	for _, tc := range []struct {
		name   string
		cert   tls.Certificate
		roots  bool
		pieces []string
	}{
		{"untrusted", ca.leaf(t, nil, loopback, now.Add(-time.Hour), now.Add(time.Hour)), false, []string{"authority this machine does not trust", "--ca"}},
		{"expired", ca.leaf(t, nil, loopback, now.Add(-2*time.Hour), now.Add(-time.Hour)), true, []string{"certificate expired", "renew"}},
		{"wrong name", ca.leaf(t, []string{"livekit.example.test"}, nil, now.Add(-time.Hour), now.Add(time.Hour)), true, []string{`not valid for "127.0.0.1"`, "livekit.example.test"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := Config{Source: mintAt(srv, tlsProxy(t, srv.HTTPURL, tc.cert))}
			if tc.roots {
				cfg.RootCAs = ca.pool
			}
			res := runChecks(t, cfg, CheckURL)
			want(t, res[CheckURL], Fail, tc.pieces...)
			if c := res[CheckURL].Details.Certificate; c == nil || c.Subject == "" || c.Trusted {
				t.Errorf("the certificate should be described: %+v", c)
			}
		})
	}
	t.Run("trusted", func(t *testing.T) {
		t.Parallel()
		cert := ca.leaf(t, nil, loopback, now.Add(-time.Hour), now.Add(time.Hour))
		res := runChecks(t, Config{Source: mintAt(srv, tlsProxy(t, srv.HTTPURL, cert)), RootCAs: ca.pool}, QuickChecks()...)
		want(t, res[CheckURL], Pass)
		want(t, res[CheckSignal], Pass) // through the relay, which trusts the same roots
		want(t, res[CheckWebRTC], Pass)
		if c := res[CheckURL].Details.Certificate; c == nil || !c.Trusted || c.Issuer != "CN=lkdash test CA" {
			t.Errorf("certificate = %+v", c)
		}
	})
}
