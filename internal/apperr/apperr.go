// Package apperr is egov's one application error type. An Error carries a
// category (Code) that decides the HTTP status, a stable machine key that API
// clients can match on, and the user-facing message in Vietnamese and English.
// Domain packages return *Error for anything a user should read; everything
// else is an internal error that users see as "Lỗi hệ thống".
package apperr

import (
	"errors"
	"fmt"
)

// Code is the category of an error.
type Code string

const (
	Invalid         Code = "invalid"
	NotFound        Code = "not_found"
	Conflict        Code = "conflict"
	Forbidden       Code = "forbidden"
	Unauthenticated Code = "unauthenticated"
	TooMany         Code = "too_many_requests"
	TooLarge        Code = "too_large"
	NotImplemented  Code = "not_implemented"
	Unavailable     Code = "unavailable"
	Internal        Code = "internal"
)

// FieldError names one invalid input field.
type FieldError struct {
	Field string `json:"field"`
	Key   string `json:"code"`
	VI    string `json:"-"`
	EN    string `json:"message"`
}

// Error is a user-facing error.
type Error struct {
	Code   Code
	Key    string // stable machine code, e.g. "calendar.days_out_of_range"
	VI, EN string
	Fields []FieldError
	Err    error // cause, logged, never shown
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Key, e.EN, e.Err)
	}
	return e.Key + ": " + e.EN
}

func (e *Error) Unwrap() error { return e.Err }

// Message returns the message in the language ("vi" or "en").
func (e *Error) Message(lang string) string {
	if lang == "en" {
		return e.EN
	}
	return e.VI
}

// New returns an error of a category with its key and both messages.
func New(code Code, key, vi, en string) *Error {
	return &Error{Code: code, Key: key, VI: vi, EN: en}
}

// Wrap returns a copy of e with a cause attached.
func (e *Error) Wrap(cause error) *Error {
	c := *e
	c.Err = cause
	return &c
}

// With returns a copy of e with field errors attached.
func (e *Error) With(fields ...FieldError) *Error {
	c := *e
	c.Fields = append(append([]FieldError(nil), e.Fields...), fields...)
	return &c
}

// Field builds a field error.
func Field(field, key, vi, en string) FieldError {
	return FieldError{Field: field, Key: key, VI: vi, EN: en}
}

// Validation returns an Invalid error listing the field errors.
func Validation(fields ...FieldError) *Error {
	return New(Invalid, "invalid_input", "Dữ liệu nhập chưa hợp lệ.", "The input is not valid.").With(fields...)
}

// As returns the *Error in err's chain, or an Internal one wrapping err.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return ErrInternal.Wrap(err)
}

// IsCode reports whether err is an *Error of the code.
func IsCode(err error, code Code) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}

// Common errors shared by every package.
var (
	ErrInternal        = New(Internal, "internal", "Lỗi hệ thống. Vui lòng thử lại sau.", "System error. Please try again later.")
	ErrNotFound        = New(NotFound, "not_found", "Không tìm thấy.", "Not found.")
	ErrForbidden       = New(Forbidden, "forbidden", "Bạn không có quyền thực hiện thao tác này.", "You are not allowed to do this.")
	ErrUnauthenticated = New(Unauthenticated, "unauthenticated", "Vui lòng đăng nhập.", "Please sign in.")
	ErrBadJSON         = New(Invalid, "bad_json", "Dữ liệu gửi lên không phải JSON hợp lệ.", "The request body is not valid JSON.")
	ErrTooLarge        = New(TooLarge, "body_too_large", "Dữ liệu gửi lên quá lớn.", "The request body is too large.")
)
