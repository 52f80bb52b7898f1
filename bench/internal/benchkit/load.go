package benchkit

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
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
		s0, _ = ReadCPU(pid)
	}
	c0, _ = ReadCPU(os.Getpid())
	t0 := time.Now()
	time.Sleep(time.Until(until))
	if pid > 0 {
		s1, _ = ReadCPU(pid)
	}
	c1, _ = ReadCPU(os.Getpid())
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

// Latencies summarises response times.
type Latencies struct {
	N             int
	P50, P95, P99 time.Duration
	Max           time.Duration
}

// Summarise sorts ds and reads its percentiles.
func Summarise(ds []time.Duration) Latencies {
	if len(ds) == 0 {
		return Latencies{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(p float64) time.Duration { return s[min(len(s)-1, int(p*float64(len(s))))] }
	return Latencies{N: len(s), P50: at(0.50), P95: at(0.95), P99: at(0.99), Max: s[len(s)-1]}
}

func (l Latencies) String() string {
	return fmt.Sprintf("p50 %s  p95 %s  p99 %s  max %s  (n=%d)", ms(l.P50), ms(l.P95), ms(l.P99), ms(l.Max), l.N)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }
