// Command chart draws the benchmark suite's PUSH/PULL tcp measurements as
// an SVG chart of throughput (MB/s, log scale) against message size (log
// scale), one line per implementation, from the medians of a -tsv file
// written by the suite:
//
//	cd bench && go run . -tsv out.tsv && go run ./chart -o ../docs/throughput.svg out.tsv
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
)

// series are drawn in this order, with these names and colours.
var series = []struct{ impl, title, color string }{
	{"tcp", "plain TCP", "#7f7f7f"},
	{"c", "libzmq (C API)", "#1f77b4"},
	{"pebbe", "libzmq via pebbe/zmq4", "#9467bd"},
	{"mono", "monocoque", "#d62728"},
}

func main() {
	out := flag.String("o", "", "write the SVG here (default: standard output)")
	prefix := flag.String("scenario", "PUSH/PULL tcp ", "chart the scenarios whose name starts with this")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: chart [-o file.svg] [-scenario prefix] results.tsv")
		os.Exit(1)
	}
	f, err := os.Open(flag.Arg(0))
	if err != nil {
		fatal(err)
	}
	data, err := read(f, *prefix)
	f.Close()
	if err != nil {
		fatal(err)
	}
	w := os.Stdout
	if *out != "" {
		if w, err = os.Create(*out); err != nil {
			fatal(err)
		}
	}
	if err := draw(w, data, *prefix); err != nil {
		fatal(err)
	}
	if err := w.Close(); err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "chart:", err)
	os.Exit(1)
}

// read returns impl -> size -> median MB/s of the matching scenarios.
func read(r io.Reader, prefix string) (map[string]map[int]float64, error) {
	vals := map[string]map[int][]float64{}
	sc := bufio.NewScanner(r)
	header := true
	for sc.Scan() {
		if header {
			header = false
			continue
		}
		f := strings.Split(sc.Text(), "\t")
		if len(f) != 7 || !strings.HasPrefix(f[0], prefix) {
			continue
		}
		size, err1 := strconv.Atoi(f[3])
		v, err2 := strconv.ParseFloat(f[6], 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("bad line %q", sc.Text())
		}
		if vals[f[4]] == nil {
			vals[f[4]] = map[int][]float64{}
		}
		vals[f[4]][size] = append(vals[f[4]][size], v*float64(size)/1e6)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	out := map[string]map[int]float64{}
	for impl, bySize := range vals {
		out[impl] = map[int]float64{}
		for size, v := range bySize {
			sort.Float64s(v)
			m := v[len(v)/2]
			if len(v)%2 == 0 {
				m = (v[len(v)/2-1] + v[len(v)/2]) / 2
			}
			out[impl][size] = m
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no scenario starts with %q", prefix)
	}
	return out, nil
}

// draw writes the chart.
func draw(w io.Writer, data map[string]map[int]float64, prefix string) error {
	const (
		width, height          = 720, 440
		left, right, top, bott = 70, 190, 40, 60
	)
	minS, maxS := math.Inf(1), math.Inf(-1)
	minV, maxV := math.Inf(1), math.Inf(-1)
	for _, bySize := range data {
		for s, v := range bySize {
			if v <= 0 {
				continue
			}
			minS, maxS = math.Min(minS, float64(s)), math.Max(maxS, float64(s))
			minV, maxV = math.Min(minV, v), math.Max(maxV, v)
		}
	}
	if math.IsInf(minV, 1) || minS == maxS {
		return fmt.Errorf("not enough data to draw")
	}
	// Decades around the values.
	loV, hiV := math.Floor(math.Log10(minV)), math.Ceil(math.Log10(maxV))
	if loV == hiV {
		hiV++
	}
	lx0, lx1 := math.Log2(minS), math.Log2(maxS)
	px := func(s float64) float64 {
		return left + (math.Log2(s)-lx0)/(lx1-lx0)*(width-left-right)
	}
	py := func(v float64) float64 {
		return top + (hiV-math.Log10(v))/(hiV-loV)*(height-top-bott)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", width, height)
	fmt.Fprintf(&b, `<text x="%d" y="22" font-size="14">%s: throughput against message size (medians)</text>`+"\n", left, esc(strings.TrimSpace(prefix)))
	// Horizontal grid: one line per decade (and 2x, 5x).
	for d := loV; d <= hiV; d++ {
		for _, m := range []float64{1, 2, 5} {
			v := m * math.Pow(10, d)
			if math.Log10(v) > hiV+1e-9 {
				continue
			}
			y := py(v)
			stroke := "#eeeeee"
			if m == 1 {
				stroke = "#cccccc"
				fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end" dy="4">%s</text>`+"\n", left-6, y, number(v))
			}
			fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="%s"/>`+"\n", left, width-right, y, y, stroke)
		}
	}
	// Vertical grid: the measured sizes.
	sizes := map[int]bool{}
	for _, bySize := range data {
		for s := range bySize {
			sizes[s] = true
		}
	}
	var sorted []int
	for s := range sizes {
		sorted = append(sorted, s)
	}
	sort.Ints(sorted)
	for _, s := range sorted {
		x := px(float64(s))
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="#eeeeee"/>`+"\n", x, x, top, height-bott)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n", x, height-bott+16, sizeLabel(s))
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">message size</text>`+"\n", left+(width-left-right)/2, height-bott+40)
	fmt.Fprintf(&b, `<text transform="translate(18 %d) rotate(-90)" text-anchor="middle">MB/s (log scale)</text>`+"\n", top+(height-top-bott)/2)
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#333333"/>`+"\n", left, top, width-left-right, height-top-bott)
	// Lines and the legend.
	ly := top + 10
	for _, sr := range series {
		bySize, ok := data[sr.impl]
		if !ok {
			continue
		}
		var pts []string
		for _, s := range sorted {
			if v, ok := bySize[s]; ok && v > 0 {
				x, y := px(float64(s)), py(v)
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
				fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`+"\n", x, y, sr.color)
			}
		}
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`+"\n", strings.Join(pts, " "), sr.color)
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="%s" stroke-width="2"/>`+"\n", width-right+14, width-right+34, ly, ly, sr.color)
		fmt.Fprintf(&b, `<text x="%d" y="%d" dy="4">%s</text>`+"\n", width-right+40, ly, esc(sr.title))
		ly += 20
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func sizeLabel(s int) string {
	if s >= 1<<10 && s%(1<<10) == 0 {
		return fmt.Sprintf("%d KiB", s>>10)
	}
	return fmt.Sprintf("%d B", s)
}

func number(v float64) string {
	if v >= 1000 {
		return fmt.Sprintf("%.0fk", v/1000)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func esc(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	return r.Replace(s)
}
