package room

// watchServer ends the session as soon as the managed server exits
// (Config.ServerGone), instead of leaving the SDK to retry a dead address
// for about a minute.
func (s *Session) watchServer() {
	if s.cfg.ServerGone == nil || (s.cfg.ManagedURL != "" && s.cfg.ManagedURL != s.resp.ServerURL) {
		return
	}
	go func() {
		select {
		case <-s.cfg.ServerGone:
			s.serverExited()
		case <-s.finished:
		}
	}()
}

func (s *Session) serverExited() {
	if s.leaving.Load() {
		return
	}
	ev := Disconnected{At: s.cfg.Now(), Code: CodeServerExited}
	var ex ServerExit
	if s.cfg.ServerExit != nil {
		ex = s.cfg.ServerExit()
	}
	ev.Server = &ex
	ev.Reason = "the local livekit-server exited"
	if ex.Status != "" {
		ev.Reason += " (" + ex.Status + ")"
	}
	if ex.LogPath != "" {
		ev.Reason += "; its log is " + ex.LogPath
	}
	s.mu.Lock()
	if s.life.episode.active {
		ev.ReconnectAttempts = s.life.episode.attempts
	}
	s.mu.Unlock()
	s.finish(ev)
	// Stop the SDK's reconnect attempts; Leave sees the session closed and
	// emits nothing more.
	s.Leave()
}
