//! `twin!`: a stored type and the view of it that a front end is shown, declared from one
//! list of fields.
//!
//! What the app is shown of a record is the record with a few fields replaced (a contact's
//! code word by whether one is set, each risk assessment with its score) and a few added
//! (the id, the initials). Written as two structs, every catalogue field would be listed
//! twice and could drift; written as JSON edits, the result has no type the UI can check.
//! Here each field is listed once and marked:
//!
//! - `both`: in the stored type and in the view, with the same attributes;
//! - `stored`: only in the stored type (what the view replaces or withholds);
//! - `view`: only in the view (what the view adds or puts in its place).
//!
//! The fields keep their order in both types, so a view lists its keys where the stored
//! record has them. `$View::new(stored, $Own { .. })` moves every `both` field across and
//! takes the view's own fields from `$Own`, a plain struct of just those (generated too);
//! the `stored`-only fields are dropped with the rest of `stored`.
//!
//! ```ignore
//! twin! {
//!     stored { #[derive(Serialize, Deserialize)] pub struct Contact; }
//!     view { #[derive(Serialize)] pub struct ContactView; own pub struct ContactViewOwn; }
//!     fields {
//!         both pub channel: Channel,
//!         stored pub code_word: Option<String>,
//!         view pub code_word_set: bool,
//!     }
//! }
//! ```

macro_rules! twin {
    (
        stored { $(#[$sm:meta])* pub struct $s:ident; }
        view { $(#[$vm:meta])* pub struct $v:ident; own $(#[$om:meta])* pub struct $o:ident; }
        fields { $($fields:tt)* }
    ) => {
        twin!(@munch [$(#[$sm])* $s] [$(#[$vm])* $v] [$(#[$om])* $o]
            stored[] view[] own[] both[] owned[] ; $($fields)*);
    };
    (@munch $s:tt $v:tt $o:tt stored[$($st:tt)*] view[$($vt:tt)*] own[$($ot:tt)*]
        both[$($b:ident)*] owned[$($ow:ident)*] ;
        both $(#[$m:meta])* pub $f:ident : $t:ty, $($rest:tt)*) => {
        twin!(@munch $s $v $o
            stored[$($st)* $(#[$m])* pub $f: $t,] view[$($vt)* $(#[$m])* pub $f: $t,] own[$($ot)*]
            both[$($b)* $f] owned[$($ow)*] ; $($rest)*);
    };
    (@munch $s:tt $v:tt $o:tt stored[$($st:tt)*] view[$($vt:tt)*] own[$($ot:tt)*]
        both[$($b:ident)*] owned[$($ow:ident)*] ;
        stored $(#[$m:meta])* pub $f:ident : $t:ty, $($rest:tt)*) => {
        twin!(@munch $s $v $o
            stored[$($st)* $(#[$m])* pub $f: $t,] view[$($vt)*] own[$($ot)*]
            both[$($b)*] owned[$($ow)*] ; $($rest)*);
    };
    (@munch $s:tt $v:tt $o:tt stored[$($st:tt)*] view[$($vt:tt)*] own[$($ot:tt)*]
        both[$($b:ident)*] owned[$($ow:ident)*] ;
        view $(#[$m:meta])* pub $f:ident : $t:ty, $($rest:tt)*) => {
        twin!(@munch $s $v $o
            stored[$($st)*] view[$($vt)* $(#[$m])* pub $f: $t,] own[$($ot)* pub $f: $t,]
            both[$($b)*] owned[$($ow)* $f] ; $($rest)*);
    };
    (@munch [$(#[$sm:meta])* $s:ident] [$(#[$vm:meta])* $v:ident] [$(#[$om:meta])* $o:ident]
        stored[$($st:tt)*] view[$($vt:tt)*] own[$($ot:tt)*]
        both[$($b:ident)*] owned[$($ow:ident)*] ; ) => {
        $(#[$sm])*
        pub struct $s { $($st)* }

        $(#[$vm])*
        pub struct $v { $($vt)* }

        $(#[$om])*
        pub struct $o { $($ot)* }

        impl $v {
            /// The view of `stored`: its shared fields moved across, the view's own from `own`.
            pub fn new(stored: $s, own: $o) -> $v {
                let $o { $($ow),* } = own;
                $v { $($b: stored.$b,)* $($ow,)* }
            }
        }
    };
}
