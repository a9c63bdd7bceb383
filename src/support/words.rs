//! `word_enum!`: closed sets of words (recipients, states, bases) that parse with a
//! clear error listing what is accepted.

macro_rules! word_enum {
    ($(#[$m:meta])* $name:ident, $what:literal { $($v:ident => $s:literal),* $(,)? }) => {
        $(#[$m])*
        #[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($v),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),*];
            pub fn as_str(&self) -> &'static str {
                match self { $($name::$v => $s),* }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::support::error::Error;
            fn from_str(s: &str) -> $crate::support::error::Result<Self> {
                match s {
                    $($s => Ok($name::$v),)*
                    _ => Err($crate::support::error::Error::invalid(format!(
                        concat!($what, " must be one of: {}"),
                        [$($s),*].join(", ")
                    ))),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
