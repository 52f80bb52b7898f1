//go:build race

package attach_test

const raceDetector = true
