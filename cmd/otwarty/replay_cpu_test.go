package main

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestCastingCPULine_PerBallotOfEachSide(t *testing.T) {
	t.Parallel()
	a := cpuReading{wall: time.Unix(100, 0), client: time.Second, server: 2 * time.Second, postgres: 3 * time.Second}
	b := cpuReading{wall: time.Unix(110, 0), client: 1500 * time.Millisecond, server: 4 * time.Second, postgres: 6 * time.Second}
	require.Equal(t, "casting CPU per ballot (1000 ballots, 10.0 s): server 2.000 ms, PostgreSQL 3.000 ms, replay client 0.500 ms, total 5.500 ms",
		castingCPULine(a, b, 1000, true, true))
	require.Equal(t, "casting CPU per ballot (1000 ballots, 10.0 s): replay client 0.500 ms, total 0.500 ms",
		castingCPULine(cpuReading{wall: a.wall, client: a.client}, cpuReading{wall: b.wall, client: b.client}, 1000, false, false))
}

func TestProcessCPU_ReadsThisProcessAndItsParentsChildren(t *testing.T) {
	t.Parallel()
	for start := time.Now(); time.Since(start) < 50*time.Millisecond; {
	}
	require.Positive(t, processCPU(os.Getpid()))
	require.Zero(t, processCPU(-1))
	require.Contains(t, childPIDs(os.Getppid()), os.Getpid())
}
