package dossierbench

import (
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"egov/bench/internal/benchkit"
)

// The closed loop and its figures are benchkit's (also used by dueload).
type (
	Load      = benchkit.Load
	Latencies = benchkit.Latencies
)

var (
	ClosedLoop = benchkit.ClosedLoop
	Summarise  = benchkit.Summarise
)

// OpenLoop sends GETs of base+paths at a fixed rate for dur (after warm
// at the same rate), whatever the server's pace, and measures each from
// the instant it was due to be sent, so a slow answer delays no later
// measurement (no coordinated omission). At most conns requests are in
// flight; a request that finds none free waits, and its wait counts.
func OpenLoop(base string, paths []string, rate float64, conns int, warm, dur time.Duration) Load {
	tr := &http.Transport{Proxy: nil, MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns,
		DisableCompression: true, ResponseHeaderTimeout: 10 * time.Second}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	interval := time.Duration(float64(time.Second) / rate)
	start := time.Now()
	from, until := start.Add(warm), start.Add(warm+dur)
	var mu sync.Mutex
	var lat []time.Duration
	var errs atomic.Int64
	slots := make(chan struct{}, conns)
	var wg sync.WaitGroup
	for i := 0; ; i++ {
		due := start.Add(time.Duration(i) * interval)
		if !due.Before(until) {
			break
		}
		time.Sleep(time.Until(due))
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			resp, err := client.Get(base + paths[i%len(paths)])
			if err != nil {
				errs.Add(1)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				errs.Add(1)
				return
			}
			if !due.Before(from) {
				d := time.Since(due)
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return Load{RPS: float64(len(lat)) / dur.Seconds(), Lat: Summarise(lat), Errors: errs.Load()}
}
