package river_test

import (
	"strconv"

	"tongcheng/internal/auth"
)

type authUser = auth.User

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
