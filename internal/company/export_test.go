package company

// MarkClosing lets the crash tests leave the marker as a crash right after it would.
func MarkClosing(dataDirApp interface{ DataDir() string }, keepBackups bool) error {
	return writeMarker(dataDirApp.DataDir(), closing{KeepBackups: keepBackups, By: "test"})
}
