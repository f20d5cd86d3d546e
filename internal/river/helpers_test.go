package river_test

import (
	"encoding/json"
	"os"
	"strconv"

	"tongcheng/internal/auth"
)

type authUser = auth.User

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func writeFile(path string, b []byte) error { return os.WriteFile(path, b, 0o600) }

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
