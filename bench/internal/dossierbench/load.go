package dossierbench

import (
	"io"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"egov/bench/internal/benchkit"
)

// Load is one measurement of one server under a closed loop.
type Load struct {
	RPS       float64
	Lat       Latencies
	Errors    int64
	CPUPerReq time.Duration // server CPU (user+system) per request, from /proc
	ClientCPU float64       // this process's CPU while measuring, in cores
}

// ClosedLoop sends GETs of base+paths from conc keep-alive connections,
// each connection cycling through paths from its own offset, for warm
// then dur; the latencies and the count are of the dur part only. pid is
// the server's process, whose CPU time is read before and after (0: not
// read).
func ClosedLoop(base string, paths []string, conc int, warm, dur time.Duration, pid int, header http.Header) Load {
	tr := &http.Transport{Proxy: nil, MaxIdleConns: conc, MaxIdleConnsPerHost: conc, MaxConnsPerHost: conc,
		DisableCompression: true, ResponseHeaderTimeout: 10 * time.Second}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	start := time.Now()
	from, until := start.Add(warm), start.Add(warm+dur)
	var errs atomic.Int64
	lat := make([][]time.Duration, conc)
	var wg sync.WaitGroup
	for w := range conc {
		wg.Go(func() {
			reqs := make([]*http.Request, len(paths))
			for i, p := range paths {
				reqs[i], _ = http.NewRequest(http.MethodGet, base+p, nil)
				for k, v := range header {
					reqs[i].Header[k] = v
				}
			}
			for i := w * 131; ; i++ {
				t0 := time.Now()
				if !t0.Before(until) {
					return
				}
				resp, err := client.Do(reqs[i%len(reqs)])
				if err != nil {
					errs.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				t1 := time.Now()
				if resp.StatusCode != http.StatusOK {
					errs.Add(1)
					continue
				}
				if !t0.Before(from) && !t1.After(until) {
					lat[w] = append(lat[w], t1.Sub(t0))
				}
			}
		})
	}
	var s0, s1, c0, c1 time.Duration
	time.Sleep(time.Until(from))
	if pid > 0 {
		s0, _ = benchkit.ReadCPU(pid)
	}
	c0, _ = benchkit.ReadCPU(os.Getpid())
	t0 := time.Now()
	time.Sleep(time.Until(until))
	if pid > 0 {
		s1, _ = benchkit.ReadCPU(pid)
	}
	c1, _ = benchkit.ReadCPU(os.Getpid())
	wall := time.Since(t0)
	wg.Wait()
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	r := Load{Errors: errs.Load(), Lat: Summarise(all), ClientCPU: float64(c1-c0) / float64(wall)}
	if n := len(all); n > 0 {
		r.RPS = float64(n) / dur.Seconds()
		r.CPUPerReq = (s1 - s0) / time.Duration(n)
	}
	return r
}

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
