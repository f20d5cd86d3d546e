package web

import (
	"net/http"
	"strconv"

	"tongcheng/internal/store"
)

// PathID reads the path value name as a positive integer id; a missing or malformed
// one is reported as "not found", like an id that does not exist.
func PathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, store.ErrNotFound
	}
	return id, nil
}

// Reply returns a function that answers with its value as JSON and status, or with its
// error through Fail, so that an API handler can end with
//
//	m.d.Web.Reply(w, r, http.StatusOK)(m.load(ctx, id))
func (s *Server) Reply(w http.ResponseWriter, r *http.Request, status int) func(v any, err error) {
	return func(v any, err error) {
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		WriteJSON(w, status, v)
	}
}

// ChangeByID answers a JSON route that changes the record named by the path's {id}:
// it reads the id and the JSON body into a T, calls do, and replies with do's answer
// and status, or with the error (a bad id is "not found", a bad body a field error).
func ChangeByID[T any](s *Server, w http.ResponseWriter, r *http.Request, status int, do func(id int64, in T) (any, error)) {
	var in T
	id, err := PathID(r, "id")
	if err == nil {
		err = DecodeJSON(r, &in)
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Reply(w, r, status)(do(id, in))
}

// Items is the API's list answer: {"total": n, "items": [...]}, with [] for no items.
func Items[T any](list []T) map[string]any {
	if list == nil {
		list = []T{}
	}
	return map[string]any{"total": len(list), "items": list}
}
