// SPDX-License-Identifier: GPL-2.0
//! The bench's SVG chart: one bar per metric, the median of the per-pair
//! speed ratios (1.0 = the same; above is faster), with a whisker from the
//! lowest to the highest pair.

use std::path::Path;

use anyhow::{anyhow, Result};
use plotters::prelude::*;

use crate::results::Row;

/// Width per bar (there are up to 3 models x 14 metrics) and the least.
const BAR_WIDTH: u32 = 36;
const MIN_WIDTH: u32 = 900;
const HEIGHT: u32 = 520;

/// Draws `rows` into an SVG file at `path`.
pub fn draw(rows: &[Row], title: &str, path: &Path) -> Result<()> {
    let err = |e: &dyn std::fmt::Display| anyhow!("drawing {}: {e}", path.display());
    let width = (rows.len() as u32 * BAR_WIDTH + 120).max(MIN_WIDTH);
    let root = SVGBackend::new(path, (width, HEIGHT)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let top = rows.iter().map(|r| r.speedup.max).fold(1.5_f64, f64::max) * 1.15;
    let n = rows.len().max(1);
    let labels: Vec<String> = rows
        .iter()
        .map(|r| format!("{} {}", r.metric.name, short_device(&r.device)))
        .collect();
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(110)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..n as f64, 0.0..top)
        .map_err(|e| err(&e))?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n * 2 + 1)
        .x_label_formatter(&|x| {
            // Label each bar at its centre only.
            let i = x.floor();
            if (x - i - 0.5).abs() < 1e-6 && i >= 0.0 {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .x_label_style(
            ("sans-serif", 11)
                .into_font()
                .transform(FontTransform::Rotate90),
        )
        .y_desc("speed ratio per pair (higher is faster)")
        .draw()
        .map_err(|e| err(&e))?;
    chart
        .draw_series(rows.iter().enumerate().map(|(i, r)| {
            let x = i as f64;
            let colour = if r.speedup.median >= 1.0 {
                GREEN.mix(0.7)
            } else {
                RED.mix(0.7)
            };
            Rectangle::new(
                [(x + 0.15, 0.0), (x + 0.85, r.speedup.median)],
                colour.filled(),
            )
        }))
        .map_err(|e| err(&e))?;
    chart
        .draw_series(rows.iter().enumerate().map(|(i, r)| {
            let x = i as f64 + 0.5;
            PathElement::new(
                vec![(x, r.speedup.min), (x, r.speedup.max)],
                BLACK.stroke_width(1),
            )
        }))
        .map_err(|e| err(&e))?;
    chart
        .draw_series(rows.iter().enumerate().map(|(i, r)| {
            Text::new(
                format!("{:.2}", r.speedup.median),
                (i as f64 + 0.1, r.speedup.max + top * 0.02),
                ("sans-serif", 11),
            )
        }))
        .map_err(|e| err(&e))?;
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 1.0), (n as f64, 1.0)],
            BLACK.stroke_width(1),
        )))
        .map_err(|e| err(&e))?;
    root.present().map_err(|e| err(&e))?;
    Ok(())
}

/// `8086:100e` stays as it is; anything longer is cut for the axis.
fn short_device(d: &str) -> &str {
    d.get(..9).unwrap_or(d)
}
