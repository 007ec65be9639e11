package devserver

import (
	"strings"

	"github.com/lkdash/lkdash/internal/textsafe"
)

// DisconnectCode is the room.Disconnected code of a session lkdash ended
// because the managed server it ran on exited (see room.Session.Abort).
const DisconnectCode = "SERVER_EXITED"

// Exit describes how the server process ended, for telling the user why a
// session died with it.
type Exit struct {
	// Status is the process's end as the OS reported it: "signal: killed",
	// "exit status 1".
	Status string
	// Stopped is true when Stop or Kill ended it, false when it died on its
	// own or was killed from outside.
	Stopped bool
	// LogPath is the server's log file.
	LogPath string
	// LogTail is the log's last lines, cleaned of control characters.
	LogTail []string
}

// Exit reports how the process ended; ok is false while it still runs.
func (s *Server) Exit() (e Exit, ok bool) {
	select {
	case <-s.exited:
	default:
		return Exit{}, false
	}
	e = Exit{Status: "exited", Stopped: s.stopping.Load(), LogPath: s.LogPath}
	if s.waitErr != nil {
		e.Status = s.waitErr.Error()
	}
	if tail := logTail(s.LogPath, s.logStart); tail != "" {
		for _, line := range strings.Split(tail, "\n") {
			e.LogTail = append(e.LogTail, textsafe.Line(line, 400))
		}
	}
	return e, true
}

// PID is the server's process id.
func (s *Server) PID() int { return s.cmd.Process.Pid }
