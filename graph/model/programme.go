package model

import "github.com/otwarty/otwarty/internal/programme"

// Programme is a programme whose results are declared.
type Programme struct {
	ID string
	P  *programme.Programme
}

func (Programme) IsNode()         {}
func (p Programme) GetID() string { return p.ID }

// ProgrammeIndicator is one of a programme's indicators.
type ProgrammeIndicator struct {
	ID string
	I  *programme.Indicator
}

func (ProgrammeIndicator) IsNode()         {}
func (p ProgrammeIndicator) GetID() string { return p.ID }

// IndicatorResult is an indicator's value and status in a year.
type IndicatorResult struct {
	R *programme.Result
}

// IndicatorValue is an entered value of an indicator.
type IndicatorValue struct {
	V *programme.Value
	I *programme.Indicator
}
