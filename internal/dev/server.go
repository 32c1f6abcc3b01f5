package dev

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/axctl/axctl/worker"
)

// object is one bucket object as the dev server puts it into the binding.
type object struct {
	Key          string            `json:"key"`
	Body         []byte            `json:"body"` // base64 in JSON
	ContentType  string            `json:"contentType,omitempty"`
	CacheControl string            `json:"cacheControl,omitempty"`
	Metadata     map[string]string `json:"metadata,omitempty"`
}

// message is one line to the dev server: mirror these objects, show these
// problems (none: the site), then reload the open tabs.
type message struct {
	Seq      int      `json:"seq"`
	Put      []object `json:"put"`
	Delete   []string `json:"delete"`
	Problems []string `json:"problems"`
	// Listen ends the first load: the server starts listening after it.
	Listen bool `json:"listen,omitempty"`
}

// reply is one line from the dev server.
type reply struct {
	Ready string `json:"ready"`
	Done  *int   `json:"done"`
}

// server is the node process running worker.DevServer: the Worker in
// workerd behind the reload channel. It is its own process group, so that
// a stop that has to kill also kills workerd.
type server struct {
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	replies chan reply
	exited  chan struct{}
	waitErr error
	seq     int
}

// startServer runs the dev server from workerDir (which holds src/,
// public/, wrangler.jsonc and node_modules with miniflare) on host:port.
func startServer(node, workerDir, host string, port int, stderr io.Writer) (*server, error) {
	for _, need := range []string{"src/index.js", "wrangler.jsonc", "node_modules/miniflare"} {
		if _, err := os.Stat(filepath.Join(workerDir, need)); err != nil {
			return nil, fmt.Errorf("worker directory %q: %w (run `npm ci` there, or pass --worker)", workerDir, err)
		}
	}
	tmp, err := os.MkdirTemp("", "axctl-dev-")
	if err != nil {
		return nil, err
	}
	script := filepath.Join(tmp, "dev.mjs")
	if err := os.WriteFile(script, []byte(worker.DevServer), 0o600); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	cmd := exec.Command(node, script)
	cmd.Dir = workerDir
	cmd.Env = append(os.Environ(), "AXCTL_DEV_HOST="+host, "AXCTL_DEV_PORT="+strconv.Itoa(port))
	cmd.Stderr = stderr
	ownGroup(cmd)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("start the dev server (%s): %w", node, err)
	}
	s := &server{cmd: cmd, stdin: stdin, replies: make(chan reply, 16), exited: make(chan struct{})}
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			var r reply
			if json.Unmarshal(sc.Bytes(), &r) == nil {
				s.replies <- r
			}
		}
		close(s.replies)
	}()
	go func() { s.waitErr = cmd.Wait(); os.RemoveAll(tmp); close(s.exited) }()
	return s, nil
}

// send hands m to the server and waits until it has mirrored it (and, for
// a message that says Listen, until it listens: then ready is its URL).
func (s *server) send(ctx context.Context, m message) (ready string, err error) {
	s.seq++
	m.Seq = s.seq
	line, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	if _, err := s.stdin.Write(append(line, '\n')); err != nil {
		return "", fmt.Errorf("dev server: %w", s.exitErr(err))
	}
	for {
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case r, ok := <-s.replies:
			if !ok {
				<-s.exited
				return "", fmt.Errorf("dev server stopped: %w", s.exitErr(nil))
			}
			if r.Ready != "" {
				ready = r.Ready
			}
			if r.Done != nil && *r.Done == m.Seq {
				return ready, nil
			}
		}
	}
}

func (s *server) exitErr(err error) error {
	select {
	case <-s.exited:
		if s.waitErr != nil {
			return s.waitErr
		}
		return errors.New("exited")
	default:
		return err
	}
}

// stop ends the server: end of input asks it to dispose workerd and exit;
// after grace, its process group is killed.
func (s *server) stop(grace time.Duration) error {
	s.stdin.Close()
	select {
	case <-s.exited:
		return s.waitErr
	case <-time.After(grace):
		killGroup(s.cmd)
		<-s.exited
		return fmt.Errorf("dev server did not stop within %s: killed", grace)
	}
}
