package room

import (
	"crypto/tls"
	"crypto/x509"
)

// trust makes the relay accept server certificates signed by pool's
// authorities (for wss:// and https:// servers); nil keeps the system's.
// It must be called before the relay serves anything.
func (r *relay) trust(pool *x509.CertPool) {
	if pool == nil {
		return
	}
	r.transport.TLSClientConfig = &tls.Config{RootCAs: pool}
	r.dialer.TLSClientConfig = &tls.Config{RootCAs: pool}
}

// watchCandidates makes the relay read the ICE candidates of every signal
// connection, report each to seen and apply block to them; with bridgeTCP
// it carries the server's TCP candidates for the SDK (see tcpBridge).
// BlockHost opens the dead end its redirected candidates point at; Close
// releases it, and the bridge.
func (r *relay) watchCandidates(block Block, bridgeTCP bool, seen func(Candidate)) error {
	f := &candidateFilter{block: block, seen: seen}
	if bridgeTCP {
		f.bridge = newTCPBridge()
	}
	if block.Has(BlockHost) {
		d, err := newDeadEnd()
		if err != nil {
			return err
		}
		f.dead = d
	}
	r.mu.Lock()
	r.filter = f
	r.mu.Unlock()
	return nil
}

func (r *relay) candidates() *candidateFilter {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.filter
}
