package server

import (
	"os"
	"runtime/pprof"

	"github.com/pocketbase/pocketbase/core"
)

// profileEnv names a file to write a CPU profile of the whole server run to (from serve
// until shutdown). `teamfund bench --cpuprofile DIR` sets it for each server it starts.
const profileEnv = "TEAMFUND_CPUPROFILE"

func bindProfile(app core.App) {
	path := os.Getenv(profileEnv)
	if path == "" {
		return
	}
	var f *os.File
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		var err error
		if f, err = os.Create(path); err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		return se.Next()
	})
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		if f != nil {
			pprof.StopCPUProfile()
			f.Close()
		}
		return e.Next()
	})
}
