package attach

import (
	"strings"
	"testing"
	"testing/iotest"
)

// TestCountStreams puts the keywords across the scanner's read boundaries:
// each must be counted once, and "endstream" never.
func TestCountStreams(t *testing.T) {
	t.Parallel()
	for _, pad := range []int{0, 1, 3, 64<<10 - 9, 64<<10 - 6, 64<<10 - 3, 64<<10 - 1, 64 << 10, 128<<10 - 4} {
		body := strings.Repeat("x", pad) + "stream\nA\nendstream endstream\n<<>>stream\r\nB\nendstream" + strings.Repeat("y", pad)
		if n, err := countStreams(strings.NewReader(body)); err != nil || n != 2 {
			t.Fatalf("pad %d: %d streams, %v", pad, n, err)
		}
		if n, err := countStreams(iotest.OneByteReader(strings.NewReader(body))); err != nil || n != 2 {
			t.Fatalf("pad %d, one byte at a time: %d streams, %v", pad, n, err)
		}
	}
}
