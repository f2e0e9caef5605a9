package web

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/replica"
)

// healthWithReplica adds the replication status to PocketBase's GET /api/health for
// superusers, as data.replica (null when the server has no replica), so a monitor that
// already polls the health endpoint also sees a replica that fails or falls behind.
//
// note: PocketBase registers /api/health itself (a second route on the same pattern would
// panic), so this wraps its answer: the response is buffered and its data extended.
func healthWithReplica(e *core.RequestEvent) error {
	if e.Request.Method != http.MethodGet || e.Request.URL.Path != "/api/health" || !e.HasSuperuserAuth() {
		return e.Next()
	}
	buf := &bufferedResponse{header: e.Response.Header(), status: http.StatusOK}
	orig := e.Response
	e.Response = buf
	err := e.Next()
	e.Response = orig
	if err != nil {
		return err
	}
	var body map[string]any
	if buf.status == http.StatusOK && json.Unmarshal(buf.body.Bytes(), &body) == nil {
		data, _ := body["data"].(map[string]any)
		if data == nil {
			data = map[string]any{}
		}
		if st, ok := replica.StatusOf(e.App); ok {
			data["replica"] = st
		} else {
			data["replica"] = nil
		}
		body["data"] = data
		return e.JSON(http.StatusOK, body)
	}
	orig.WriteHeader(buf.status)
	_, err = orig.Write(buf.body.Bytes())
	return err
}

// bufferedResponse holds a response until the handler that wraps it decides what to send.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header         { return b.header }
func (b *bufferedResponse) WriteHeader(status int)      { b.status = status }
func (b *bufferedResponse) Write(p []byte) (int, error) { return b.body.Write(p) }
