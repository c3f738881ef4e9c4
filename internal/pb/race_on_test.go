//go:build race

package pb

// raceOn: the race detector slows the big.Rat references tenfold, so the
// largest equivalence tests run smaller under -race; scripts/test runs them
// at full size without it.
const raceOn = true
