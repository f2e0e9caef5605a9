package touch

import "errors"

// ErrUnknownTeam is returned when assigning a touch to a team that does not exist.
var ErrUnknownTeam = errors.New("no such team")
