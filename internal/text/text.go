// Package text holds the one rule for stored text: valid UTF-8 without NUL characters.
package text

import (
	"strings"
	"unicode/utf8"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
)

// ErrUnclean names a text field holding a NUL byte or invalid UTF-8.
var ErrUnclean = validation.NewError("validation_invalid_text", "must be UTF-8 text without NUL characters")

// BindInvariants refuses, below every API, a record whose text holds a NUL byte or invalid
// UTF-8: such text breaks CSV and XLSX exports, mails and other programs reading the
// database, and no person types it. The web and JSON endpoints refuse it earlier (see
// web.refuseUncleanInput); this catches the records API, the dashboard and Go code.
func BindInvariants(app core.App) {
	app.OnRecordValidate().BindFunc(func(e *core.RecordEvent) error {
		errs := validation.Errors{}
		for _, f := range e.Record.Collection().Fields {
			switch f.(type) {
			case *core.TextField, *core.EmailField, *core.URLField, *core.EditorField, *core.SelectField:
			default:
				continue
			}
			switch v := e.Record.Get(f.GetName()).(type) {
			case string:
				if !Clean(v) {
					errs[f.GetName()] = ErrUnclean
				}
			case []string:
				for _, s := range v {
					if !Clean(s) {
						errs[f.GetName()] = ErrUnclean
					}
				}
			}
		}
		if len(errs) > 0 {
			return errs
		}
		return e.Next()
	})
}

// Clean says whether s is valid UTF-8 without NUL characters.
func Clean(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}
