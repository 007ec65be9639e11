// Package source describes lkdash's token sources for its command line and
// dashboard: Spec is one flat set of settings ("which source, with what"),
// filled from flags, the environment, lk CLI projects or the Source form,
// and built into a tokens.ConfigurableSource. Each kind is described once
// (KindDef, Field, GrantField), and the flags, help, form rows and
// validation messages are derived from that table. SignerKeys picks which
// saved key pair may judge a token's signature.
//
// It is lkdash's own wiring, not part of the library: a Go program uses the
// sources in package tokens directly.
package source
