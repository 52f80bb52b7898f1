package httpx

import (
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter limits requests per client address, per replica (a client that
// spreads over N replicas gets N times the rate: enough against scraping
// dossier codes, with nothing shared to slow the common path).
type Limiter struct {
	rate  rate.Limit
	burst int
	mu    sync.Mutex
	seen  map[string]*visitor
	last  time.Time
}

type visitor struct {
	lim  *rate.Limiter
	seen time.Time
}

// NewLimiter allows perMinute requests a minute per client, in bursts of burst.
func NewLimiter(perMinute, burst int) *Limiter {
	return &Limiter{rate: rate.Limit(float64(perMinute) / 60), burst: burst, seen: map[string]*visitor{}}
}

// AllowRequest reports whether the request's client may make a request now.
func (l *Limiter) AllowRequest(r *http.Request) bool { return l.Allow(ClientIP(r)) }

// Allow reports whether the client (an address) may make a request now.
func (l *Limiter) Allow(ip string) bool {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.last) > time.Minute { // forget idle clients
		for k, v := range l.seen {
			if now.Sub(v.seen) > 10*time.Minute {
				delete(l.seen, k)
			}
		}
		l.last = now
	}
	v, ok := l.seen[ip]
	if !ok {
		v = &visitor{lim: rate.NewLimiter(l.rate, l.burst)}
		l.seen[ip] = v
	}
	v.seen = now
	return v.lim.Allow()
}
