package doctor

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"time"
)

// Certificate problems, as Certificate.Problem names them.
const (
	certUnknownAuthority = "unknown_authority"
	certWrongName        = "wrong_name"
	certExpired          = "expired"
	certNotYetValid      = "not_yet_valid"
	certInvalid          = "invalid"
	certHandshake        = "handshake"
)

// inspectTLS dials addr, takes whatever certificate it presents and then
// verifies it for name against roots (nil: the system's) at now, so that a
// bad certificate is still described, and what is wrong with it named.
func inspectTLS(ctx context.Context, addr, name string, roots *x509.CertPool, now time.Time) *Certificate {
	c := &Certificate{Address: addr, Name: name}
	d := tls.Dialer{NetDialer: &net.Dialer{Timeout: probeTimeout}, Config: &tls.Config{
		ServerName: name,
		// Verified below, by hand, so that the certificate can be shown
		// and the failure named even when it does not verify.
		InsecureSkipVerify: true, //nolint:gosec
	}}
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		c.Problem, c.Error = certHandshake, safe(err.Error(), "")
		return c
	}
	certs := conn.(*tls.Conn).ConnectionState().PeerCertificates
	conn.Close()
	if len(certs) == 0 {
		c.Problem, c.Error = certHandshake, "the server sent no certificate"
		return c
	}
	leaf := certs[0]
	// A certificate's names are whatever its maker wrote: keep them inert.
	c.Subject, c.Issuer, c.Chain = safe(leaf.Subject.String(), ""), safe(leaf.Issuer.String(), ""), len(certs)
	c.DNSNames = []string{}
	for _, n := range leaf.DNSNames {
		c.DNSNames = append(c.DNSNames, safe(n, ""))
	}
	c.IPs = []string{}
	for _, ip := range leaf.IPAddresses {
		c.IPs = append(c.IPs, ip.String())
	}
	c.NotBefore, c.NotAfter = leaf.NotBefore.UTC().Format(time.RFC3339), leaf.NotAfter.UTC().Format(time.RFC3339)
	inter := x509.NewCertPool()
	for _, ic := range certs[1:] {
		inter.AddCert(ic)
	}
	_, err = leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, DNSName: name, CurrentTime: now})
	if err == nil {
		c.Trusted = true
		return c
	}
	c.Problem, c.Error = classifyCert(err, leaf, now), safe(err.Error(), "")
	return c
}

func classifyCert(err error, leaf *x509.Certificate, now time.Time) string {
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	switch {
	case errors.As(err, &hn):
		return certWrongName
	case errors.As(err, &ci) && ci.Reason == x509.Expired:
		if now.Before(leaf.NotBefore) {
			return certNotYetValid
		}
		return certExpired
	case errors.As(err, &ua):
		return certUnknownAuthority
	}
	return certInvalid
}

// certProblem says what a certificate problem means and what to change.
func certProblem(c *Certificate, what string) (cause, fix string) {
	switch c.Problem {
	case certUnknownAuthority:
		return fmt.Sprintf("%s's certificate (issued by %q) is signed by an authority this machine does not trust", what, c.Issuer),
			"use a certificate from a public CA (e.g. Let's Encrypt), or send the whole chain; for a private CA, give its certificate with --ca (or SSL_CERT_FILE)"
	case certWrongName:
		return fmt.Sprintf("%s's certificate is not valid for %q (it names %s)", what, c.Name, certNames(c)),
			"issue the certificate for the name clients use, or use the name it was issued for in the URL"
	case certExpired:
		return fmt.Sprintf("%s's certificate expired at %s", what, c.NotAfter), "renew the certificate"
	case certNotYetValid:
		return fmt.Sprintf("%s's certificate is not valid before %s (or this machine's clock is wrong)", what, c.NotBefore),
			"check the clocks, or wait for the certificate's start"
	case certHandshake:
		return fmt.Sprintf("no TLS handshake with %s (%s): %s", what, c.Address, c.Error),
			"check that a TLS listener (the proxy, load balancer or TURN/TLS) serves this port"
	}
	return fmt.Sprintf("%s's certificate does not verify: %s", what, c.Error), "fix the certificate chain"
}

func certNames(c *Certificate) string {
	names := append(append([]string(nil), c.DNSNames...), c.IPs...)
	if len(names) == 0 {
		return "no names, only the subject " + c.Subject
	}
	return fmt.Sprintf("%q", names)
}
