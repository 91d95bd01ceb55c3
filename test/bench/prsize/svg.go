package main

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
)

// chartGroup is one scenario of the chart: its wall time (median, with the spread of the runs)
// beside its CPU time. CPU time above wall time means the scan kept more than one core busy.
type chartGroup struct {
	label                  string
	wall, wallMin, wallMax float64
	cpu                    float64
}

const (
	chartWidth   = 720
	chartHeight  = 400
	plotLeft     = 64
	plotRight    = 700
	plotTop      = 76
	plotBottom   = 330
	wallColour   = "#1f6feb"
	cpuColour    = "#9ecbff"
	axisColour   = "#57606a"
	gridColour   = "#d0d7de"
	textColour   = "#24292f"
	chartFont    = "font-family=\"-apple-system, Segoe UI, Helvetica, Arial, sans-serif\""
	barGapFactor = 0.18
)

// writeChart draws grouped bars as plain SVG: no library, and a file that renders on GitHub.
func writeChart(w io.Writer, title string, subtitles []string, groups []chartGroup) error {
	var b bytes.Buffer
	top := 0.0
	for _, g := range groups {
		top = math.Max(top, math.Max(g.wallMax, math.Max(g.wall, g.cpu)))
	}
	step := tickStep(top)
	axisMax := step * math.Ceil(top/step)
	if axisMax == 0 {
		axisMax = 1
	}
	y := func(v float64) float64 { return plotBottom - (plotBottom-plotTop)*v/axisMax }

	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">`+"\n",
		chartWidth, chartHeight, chartWidth, chartHeight, escape(title))
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%d" height="%d" fill="#ffffff"/>`+"\n", chartWidth, chartHeight)
	fmt.Fprintf(&b, `<text x="%d" y="24" %s font-size="16" font-weight="600" fill="%s">%s</text>`+"\n", plotLeft, chartFont, textColour, escape(title))
	for i, line := range subtitles {
		fmt.Fprintf(&b, `<text x="%d" y="%d" %s font-size="12" fill="%s">%s</text>`+"\n", plotLeft, 42+16*i, chartFont, axisColour, escape(line))
	}

	for v := 0.0; v <= axisMax+step/2; v += step {
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="%s" stroke-width="1"/>`+"\n", plotLeft, y(v), plotRight, y(v), gridColour)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" %s font-size="11" fill="%s" text-anchor="end">%s</text>`+"\n", plotLeft-6, y(v)+4, chartFont, axisColour, formatTick(v, step))
	}
	fmt.Fprintf(&b, `<text x="16" y="%.1f" %s font-size="12" fill="%s" transform="rotate(-90 16 %.1f)" text-anchor="middle">seconds</text>`+"\n",
		(plotTop+plotBottom)/2.0, chartFont, axisColour, (plotTop+plotBottom)/2.0)

	if len(groups) > 0 {
		slot := float64(plotRight-plotLeft) / float64(len(groups))
		barWidth := slot * (1 - 2*barGapFactor) / 2
		for i, g := range groups {
			x0 := float64(plotLeft) + slot*float64(i) + slot*barGapFactor
			bar(&b, x0, barWidth, y(g.wall), float64(plotBottom), wallColour, fmt.Sprintf("%s: wall %s s (median)", g.label, formatSeconds(g.wall)))
			bar(&b, x0+barWidth, barWidth, y(g.cpu), float64(plotBottom), cpuColour, fmt.Sprintf("%s: CPU %s s (median)", g.label, formatSeconds(g.cpu)))
			if g.wallMax > g.wallMin {
				mid := x0 + barWidth/2
				fmt.Fprintf(&b, `<path d="M%.1f %.1fV%.1fM%.1f %.1fH%.1fM%.1f %.1fH%.1f" stroke="%s" stroke-width="1.5" fill="none"/>`+"\n",
					mid, y(g.wallMin), y(g.wallMax), mid-4, y(g.wallMin), mid+4, mid-4, y(g.wallMax), mid+4, textColour)
			}
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" %s font-size="11" fill="%s" text-anchor="middle">%s</text>`+"\n",
				x0+barWidth/2, math.Min(y(g.wall), y(g.wallMax))-5, chartFont, textColour, formatSeconds(g.wall))
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" %s font-size="11" fill="%s" text-anchor="middle">%s</text>`+"\n",
				x0+barWidth*1.5, y(g.cpu)-5, chartFont, axisColour, formatSeconds(g.cpu))
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" %s font-size="12" fill="%s" text-anchor="middle">%s</text>`+"\n",
				x0+barWidth, plotBottom+18, chartFont, textColour, escape(g.label))
		}
	}
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="1"/>`+"\n", plotLeft, plotBottom, plotRight, plotBottom, axisColour)

	legendY := plotBottom + 44
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="12" height="12" fill="%s"/>`+"\n", plotLeft, legendY-10, wallColour)
	fmt.Fprintf(&b, `<text x="%d" y="%d" %s font-size="12" fill="%s">wall time, median (whisker: fastest–slowest run)</text>`+"\n", plotLeft+18, legendY, chartFont, textColour)
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="12" height="12" fill="%s"/>`+"\n", plotLeft+340, legendY-10, cpuColour)
	fmt.Fprintf(&b, `<text x="%d" y="%d" %s font-size="12" fill="%s">CPU time (user + system), median</text>`+"\n", plotLeft+358, legendY, chartFont, textColour)
	b.WriteString("</svg>\n")
	_, err := w.Write(b.Bytes())
	return err
}

func bar(b *bytes.Buffer, x, width, top, bottom float64, colour, tooltip string) {
	fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s</title></rect>`+"\n",
		x, top, width, math.Max(bottom-top, 0), colour, escape(tooltip))
}

// tickStep picks 1, 2 or 5 times a power of ten so that the axis has four to ten gridlines.
func tickStep(max float64) float64 {
	if max <= 0 || math.IsNaN(max) || math.IsInf(max, 0) {
		return 1
	}
	magnitude := math.Pow(10, math.Floor(math.Log10(max)))
	for _, m := range []float64{0.1, 0.2, 0.5, 1, 2, 5} {
		if max/(m*magnitude) <= 10 {
			return m * magnitude
		}
	}
	return 10 * magnitude
}

func formatTick(v, step float64) string {
	if step >= 1 {
		return fmt.Sprintf("%.0f", v)
	}
	decimals := int(math.Ceil(-math.Log10(step)))
	return fmt.Sprintf("%.*f", decimals, v)
}

func escape(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s)) // writes to a buffer: cannot fail
	return b.String()
}
