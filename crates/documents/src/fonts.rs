//! The fonts every document is set in, compiled into the binary: DejaVu Sans regular and bold, copied
//! from Debian's `fonts-dejavu-core` with their licence (`fonts/LICENSE-DejaVu`). Nothing is read from
//! the machine at run time, so a server without fonts prints the same PDF as a laptop. Only the glyphs a
//! document uses are embedded (krilla subsets them).

use crate::DocumentError;
use krilla::text::Font;
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

static REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// A typeface: the font krilla draws with and the same bytes read by skrifa for measuring.
#[derive(Clone)]
pub(crate) struct Face {
    pub(crate) font: Font,
    bytes: &'static [u8],
}

impl Face {
    fn load(bytes: &'static [u8], name: &'static str) -> Result<Face, DocumentError> {
        let font = Font::new(bytes.into(), 0).ok_or(DocumentError::Font(name))?;
        FontRef::new(bytes).map_err(|_| DocumentError::Font(name))?;
        Ok(Face { font, bytes })
    }

    /// The width of `text` set at `size` points: the sum of its glyphs' advances. DejaVu has no
    /// kerning between digits, so this is where a right-aligned amount ends.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        let Ok(font) = FontRef::new(self.bytes) else {
            return 0.0;
        };
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
        text.chars()
            .filter_map(|c| charmap.map(c))
            .filter_map(|g| metrics.advance_width(g))
            .sum()
    }
}

/// The two faces a document uses.
#[derive(Clone)]
pub(crate) struct Faces {
    pub(crate) regular: Face,
    pub(crate) bold: Face,
}

impl Faces {
    pub(crate) fn load() -> Result<Faces, DocumentError> {
        Ok(Faces {
            regular: Face::load(REGULAR, "DejaVuSans")?,
            bold: Face::load(BOLD, "DejaVuSans-Bold")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_faces_load_and_measure_spanish_text() {
        let faces = Faces::load().unwrap();
        let w = faces.regular.width("Señor Núñez", 10.0);
        assert!(
            w > 40.0 && w < 70.0,
            "a short name is a few centimetres wide ({w})"
        );
        assert!(
            faces.bold.width("$1,000.00", 10.0) > faces.regular.width("$1,000.00", 10.0),
            "bold is wider"
        );
        assert_eq!(
            faces.regular.width("1", 10.0),
            faces.regular.width("8", 10.0),
            "digits share one advance, so columns of amounts line up"
        );
    }
}
