// Package wire holds the framing of the TWS API socket protocol shared by the
// simulator (server side) and the link's relay (client side): length-prefixed
// frames of NUL-terminated text fields, the "API\0" hello, and message ids.
//
// Nothing here imports the client library; every function is safe on
// untrusted input and reports malformed data as an error instead of panicking.
package wire

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// MaxFrame is the largest frame either side accepts (the client library's
// scanner limit, 0xFFFFFF bytes). A longer length prefix is a protocol error.
const MaxFrame = 0xFFFFFF

// MaxLibraryPayload is the largest payload the Go client library can read:
// its scanner's buffer (MaxFrame bytes) must hold the 4-byte length too.
const MaxLibraryPayload = MaxFrame - 4

// Magic is the four bytes every V100+ client sends before its version range.
const Magic = "API\x00"

// ErrFrameTooLarge is returned for a length prefix above MaxFrame.
var ErrFrameTooLarge = errors.New("wire: frame length exceeds 16 MiB limit")

// ErrBadMagic is returned when a socket does not begin with "API\0".
var ErrBadMagic = errors.New(`wire: socket does not begin with "API\0"`)

// ReadFrame reads one length-prefixed frame and returns its payload.
func ReadFrame(r io.Reader) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n > MaxFrame {
		return nil, fmt.Errorf("%w: %d bytes", ErrFrameTooLarge, n)
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(r, buf); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return buf, nil
}

// AppendFrame appends payload with its 4-byte big-endian length prefix.
func AppendFrame(dst, payload []byte) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(payload)))
	return append(dst, payload...)
}

// Fields splits a frame payload into its NUL-terminated fields. A trailing
// field without a terminator is returned as well (it is malformed, but the
// caller decides what to do with it).
func Fields(payload []byte) []string {
	if len(payload) == 0 {
		return nil
	}
	s := string(payload)
	s = strings.TrimSuffix(s, "\x00")
	return strings.Split(s, "\x00")
}

// Encode builds a frame payload from fields, each NUL-terminated.
func Encode(fields ...any) []byte {
	var b []byte
	for _, f := range fields {
		b = AppendField(b, f)
	}
	return b
}

// AppendField appends one field in the TWS text encoding followed by NUL.
// Floats use the shortest representation; math.MaxFloat64 is written as the
// empty field only when passed as Unset.
func AppendField(b []byte, f any) []byte {
	switch v := f.(type) {
	case string:
		b = append(b, v...)
	case int:
		b = strconv.AppendInt(b, int64(v), 10)
	case int64:
		b = strconv.AppendInt(b, v, 10)
	case int32:
		b = strconv.AppendInt(b, int64(v), 10)
	case float64:
		b = strconv.AppendFloat(b, v, 'f', -1, 64)
	case bool:
		if v {
			b = append(b, '1')
		} else {
			b = append(b, '0')
		}
	case nil:
	case fmt.Stringer:
		b = append(b, v.String()...)
	default:
		b = fmt.Append(b, v)
	}
	return append(b, 0)
}

// UnsetDouble is TWS's "value not available" sentinel for doubles.
const UnsetDouble = math.MaxFloat64

// UnsetInt is TWS's "value not available" sentinel for 32-bit integers.
const UnsetInt = math.MaxInt32

// ReadHello reads a client hello: "API\0", then one frame "v<min>..<max>[ options]".
// It returns the advertised range and the connect options.
func ReadHello(r io.Reader) (minVer, maxVer int, options string, err error) {
	var magic [4]byte
	if _, err = io.ReadFull(r, magic[:]); err != nil {
		return 0, 0, "", err
	}
	if string(magic[:]) != Magic {
		return 0, 0, "", ErrBadMagic
	}
	payload, err := ReadFrame(r)
	if err != nil {
		return 0, 0, "", err
	}
	minVer, maxVer, options, err = ParseVersionRange(string(payload))
	return
}

// ParseVersionRange parses "v100..200[ options]" (also a bare "v176").
func ParseVersionRange(s string) (minVer, maxVer int, options string, err error) {
	s = strings.TrimRight(s, "\x00")
	head, opts, _ := strings.Cut(s, " ")
	if !strings.HasPrefix(head, "v") {
		return 0, 0, "", fmt.Errorf("wire: bad version range %q", s)
	}
	lo, hi, found := strings.Cut(head[1:], "..")
	if !found {
		hi = lo
	}
	minVer, err1 := strconv.Atoi(lo)
	maxVer, err2 := strconv.Atoi(hi)
	if err1 != nil || err2 != nil || minVer <= 0 || maxVer < minVer {
		return 0, 0, "", fmt.Errorf("wire: bad version range %q", s)
	}
	return minVer, maxVer, opts, nil
}

// AppendHello appends a client hello advertising [minVer, maxVer].
func AppendHello(dst []byte, minVer, maxVer int, options string) []byte {
	v := fmt.Sprintf("v%d..%d", minVer, maxVer)
	if options != "" {
		v += " " + options
	}
	dst = append(dst, Magic...)
	return AppendFrame(dst, []byte(v))
}

// Writer writes frames through a buffer; Flush must be called by the owner.
type Writer struct{ W *bufio.Writer }

// Frame writes one frame built from fields.
func (w Writer) Frame(fields ...any) error {
	_, err := w.W.Write(AppendFrame(nil, Encode(fields...)))
	return err
}
