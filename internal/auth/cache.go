package auth

import (
	"sync"
	"time"
)

// sessionCache keeps recently seen sessions in memory for a few seconds, so that a
// page view does not cost a database round trip. Within one process a logout, a
// password reset or a disabled account takes effect at once; another serve process
// sharing the database notices within sessionCacheTTL.
type sessionCache struct {
	mu sync.RWMutex
	m  map[[32]byte]cachedSession // by the token's SHA-256, so a hit needs no hex text
}

type cachedSession struct {
	user  User
	sess  Session
	until time.Time
}

// hit is what get hands out: a copy of the cached pair in one allocation, so that a
// caller changing it cannot change what the next request sees.
type hit struct {
	user User
	sess Session
}

const (
	sessionCacheTTL = 5 * time.Second
	sessionCacheMax = 20000
)

func (c *sessionCache) get(th [32]byte, now time.Time) (*User, *Session, bool) {
	c.mu.RLock()
	e, ok := c.m[th]
	c.mu.RUnlock()
	if !ok || now.After(e.until) || now.After(e.sess.ExpiresAt) {
		return nil, nil, false
	}
	h := &hit{e.user, e.sess}
	return &h.user, &h.sess, true
}

func (c *sessionCache) put(th [32]byte, u *User, s *Session, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= sessionCacheMax {
		c.m = make(map[[32]byte]cachedSession)
	}
	c.m[th] = cachedSession{user: *u, sess: *s, until: now.Add(sessionCacheTTL)}
}

func (c *sessionCache) drop(th [32]byte) {
	c.mu.Lock()
	delete(c.m, th)
	c.mu.Unlock()
}

func (c *sessionCache) dropUser(id int64) {
	c.mu.Lock()
	for k, e := range c.m {
		if e.user.ID == id {
			delete(c.m, k)
		}
	}
	c.mu.Unlock()
}
