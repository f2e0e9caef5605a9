package export

import "errors"

// Errors a caller can act on; the web layer maps them to statuses.
var (
	ErrUnknownFormat  = errors.New("unknown export format: use csv or xlsx")
	ErrUnknownDataset = errors.New("unknown export: use users, ledger, sends or usage")
	ErrBusy           = errors.New("the server is busy with other exports: try again in a moment")
	ErrNoExport       = errors.New("your account may not export data: ask a manager or an admin for the export permission")
)
