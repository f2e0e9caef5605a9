package webhook

import (
	"context"
	"net"

	"github.com/pocketbase/pocketbase/core"
)

// SetDial replaces the connect step of app's worker, so that a test sees which checked
// addresses a delivery would connect to, without connecting anywhere.
func SetDial(app core.App, dial func(ctx context.Context, network, address string) (net.Conn, error)) {
	app.Store().Get(workerKey).(*worker).dial = dial
}

// CleanText exposes cleanText to the tests.
var CleanText = cleanText
