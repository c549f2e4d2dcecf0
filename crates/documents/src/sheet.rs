//! Pages as lists of marks (text, rules, shaded boxes) in points from the top-left corner, planned
//! without touching the PDF, then written by [`write`] with krilla. Layout code only says where things
//! go; this file is the one that knows the PDF library.

use crate::DocumentError;
use crate::fonts::Faces;
use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::TextDirection;

/// US Letter, the paper Mexican offices print on, in points.
pub(crate) const PAGE_WIDTH: f32 = 612.0;
pub(crate) const PAGE_HEIGHT: f32 = 792.0;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Align {
    Left,
    /// `x` is where the text ends.
    Right,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Mark {
    /// Text on one line; `y` is its baseline.
    Text {
        x: f32,
        y: f32,
        size: f32,
        weight: Weight,
        align: Align,
        grey: bool,
        text: String,
    },
    /// A horizontal rule.
    Rule {
        x1: f32,
        x2: f32,
        y: f32,
        width: f32,
    },
    /// A light shaded box behind a block.
    Shade { x: f32, y: f32, w: f32, h: f32 },
}

/// One page's marks.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Sheet {
    pub(crate) marks: Vec<Mark>,
}

impl Sheet {
    pub(crate) fn text(
        &mut self,
        x: f32,
        y: f32,
        size: f32,
        weight: Weight,
        text: impl Into<String>,
    ) {
        self.marks.push(Mark::Text {
            x,
            y,
            size,
            weight,
            align: Align::Left,
            grey: false,
            text: text.into(),
        });
    }

    pub(crate) fn right(
        &mut self,
        x: f32,
        y: f32,
        size: f32,
        weight: Weight,
        text: impl Into<String>,
    ) {
        self.marks.push(Mark::Text {
            x,
            y,
            size,
            weight,
            align: Align::Right,
            grey: false,
            text: text.into(),
        });
    }

    pub(crate) fn note(&mut self, x: f32, y: f32, size: f32, text: impl Into<String>) {
        self.marks.push(Mark::Text {
            x,
            y,
            size,
            weight: Weight::Regular,
            align: Align::Left,
            grey: true,
            text: text.into(),
        });
    }

    pub(crate) fn rule(&mut self, x1: f32, x2: f32, y: f32, width: f32) {
        self.marks.push(Mark::Rule { x1, x2, y, width });
    }

    pub(crate) fn shade(&mut self, x: f32, y: f32, w: f32, h: f32) {
        self.marks.push(Mark::Shade { x, y, w, h });
    }

    /// Every text on the page, in the order it was placed (what a reader of the PDF finds).
    #[cfg(test)]
    pub(crate) fn texts(&self) -> Vec<&str> {
        self.marks
            .iter()
            .filter_map(|m| match m {
                Mark::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }
}

/// Writes the pages into one PDF with the fonts embedded (subset to the glyphs used).
pub(crate) fn write(
    faces: &Faces,
    sheets: &[Sheet],
    title: &str,
) -> Result<Vec<u8>, DocumentError> {
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(title.to_string())
            .language("es-MX".to_string())
            .creator("Credinet".to_string()),
    );
    let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).ok_or(DocumentError::Layout)?;
    for sheet in sheets {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for mark in &sheet.marks {
            match mark {
                Mark::Text {
                    x,
                    y,
                    size,
                    weight,
                    align,
                    grey,
                    text,
                } => {
                    let face = match weight {
                        Weight::Regular => &faces.regular,
                        Weight::Bold => &faces.bold,
                    };
                    let start = match align {
                        Align::Left => *x,
                        Align::Right => x - face.width(text, *size),
                    };
                    let shade = if *grey { 95 } else { 20 };
                    surface.set_fill(Some(Fill {
                        paint: rgb::Color::new(shade, shade, shade).into(),
                        ..Default::default()
                    }));
                    surface.set_stroke(None);
                    surface.draw_text(
                        Point::from_xy(start, *y),
                        face.font.clone(),
                        *size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Mark::Rule { x1, x2, y, width } => {
                    let mut path = PathBuilder::new();
                    path.move_to(*x1, *y);
                    path.line_to(*x2, *y);
                    let Some(path) = path.finish() else { continue };
                    surface.set_fill(None);
                    surface.set_stroke(Some(Stroke {
                        paint: rgb::Color::new(120, 120, 120).into(),
                        width: *width,
                        ..Default::default()
                    }));
                    surface.draw_path(&path);
                }
                Mark::Shade { x, y, w, h } => {
                    let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) else {
                        continue;
                    };
                    let mut path = PathBuilder::new();
                    path.push_rect(rect);
                    let Some(path) = path.finish() else { continue };
                    surface.set_stroke(None);
                    surface.set_fill(Some(Fill {
                        paint: rgb::Color::new(238, 243, 248).into(),
                        ..Default::default()
                    }));
                    surface.draw_path(&path);
                }
            }
        }
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| DocumentError::Pdf(format!("{e:?}")))
}
