//! `#[derive(Partial)]`: the partial companion of a serde type, for
//! streaming with `structream`. See the `structream` crate's documentation.

use proc_macro::TokenStream;
use proc_macro2::TokenStream as Tokens;
use quote::{format_ident, quote};
use syn::{
    Data, DeriveInput, Fields, GenericArgument, LitStr, PathArguments, Type, parse_macro_input,
};

mod case;

/// Derives `structream::Partial` for a struct with named fields (its
/// partial companion `NamePartial` has every field optional, nested types
/// partial) or for an enum (unit variants: shown only once complete; data
/// variants: a JSON value until complete).
///
/// Field attributes: `#[structream(done)]` holds a field back until its
/// value is complete; `#[structream(required)]` hides the whole object until
/// that field has a value. serde's `rename`, `rename_all`, `alias` and
/// `skip` are followed.
///
/// Requirements: the companion derives `Debug`, `Clone` and `Serialize`, so
/// field types need those too; a unit enum is its own partial and must
/// derive `Debug`, `Clone` and `Deserialize` (a missing one is reported on the
/// enum). Generic types are not supported yet.
///
/// It also implements `structream::Validate`: by default accepting every
/// value that deserializes; with the container attribute
/// `#[structream(validate = "path::to::check")]`, calling
/// `fn check(value: &Self) -> Result<(), String>` on the final value (an
/// error message is sent back to the model when retries are allowed).
#[proc_macro_derive(Partial, attributes(structream))]
pub fn derive_partial(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match expand(&input) {
        Ok(tokens) => tokens.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

fn expand(input: &DeriveInput) -> syn::Result<Tokens> {
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &input.generics,
            "#[derive(Partial)] does not support generic types yet",
        ));
    }
    let serde = SerdeAttrs::of(&input.attrs)?;
    let validate = validate_impl(input)?;
    let partial = match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(fields) => expand_struct(input, &serde, fields),
            _ => Err(syn::Error::new_spanned(
                &input.ident,
                "#[derive(Partial)] needs a struct with named fields",
            )),
        },
        Data::Enum(data) => {
            let unit = data
                .variants
                .iter()
                .all(|v| matches!(v.fields, Fields::Unit));
            Ok(expand_enum(input, unit, serde.tag.as_deref()))
        }
        Data::Union(_) => Err(syn::Error::new_spanned(
            &input.ident,
            "unions are not supported",
        )),
    }?;
    Ok(quote! { #partial #validate })
}

/// `impl Validate`, calling the container's `#[structream(validate = "f")]`.
fn validate_impl(input: &DeriveInput) -> syn::Result<Tokens> {
    let mut check: Option<syn::Path> = None;
    for attr in input
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("structream"))
    {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("validate") {
                let lit: LitStr = meta.value()?.parse()?;
                check = Some(lit.parse()?);
                Ok(())
            } else {
                Err(meta.error("expected `validate = \"path::to::fn\"`"))
            }
        })?;
    }
    let name = &input.ident;
    let body = check.map(|f| {
        quote! {
            fn validate(&self) -> ::core::result::Result<(), ::std::string::String> {
                #f(self)
            }
        }
    });
    Ok(quote! {
        impl ::structream::Validate for #name {
            #body
        }
    })
}

/// The serde attributes that decide member names.
#[derive(Default)]
struct SerdeAttrs {
    rename: Option<String>,
    rename_all: Option<String>,
    aliases: Vec<String>,
    skip: bool,
    tag: Option<String>,
}

impl SerdeAttrs {
    fn of(attrs: &[syn::Attribute]) -> syn::Result<Self> {
        let mut out = SerdeAttrs::default();
        for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
            attr.parse_nested_meta(|meta| {
                let key = meta
                    .path
                    .get_ident()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                match key.as_str() {
                    "rename" | "rename_all" | "alias" | "tag" => {
                        // `rename = "x"` (not `rename(serialize = ..)`, which is left alone).
                        if let Ok(value) = meta.value() {
                            let lit: LitStr = value.parse()?;
                            match key.as_str() {
                                "rename" => out.rename = Some(lit.value()),
                                "rename_all" => out.rename_all = Some(lit.value()),
                                "alias" => out.aliases.push(lit.value()),
                                _ => out.tag = Some(lit.value()),
                            }
                        } else {
                            let _ = meta.input.parse::<Tokens>();
                        }
                    }
                    "skip" | "skip_deserializing" => out.skip = true,
                    _ => {
                        // Other serde options do not change member names.
                        if meta.input.peek(syn::Token![=]) {
                            let _ = meta.value()?.parse::<syn::Expr>()?;
                        } else if meta.input.peek(syn::token::Paren) {
                            let _ = meta.input.parse::<proc_macro2::Group>();
                        }
                    }
                }
                Ok(())
            })?;
        }
        Ok(out)
    }
}

/// `#[structream(done)]` and `#[structream(required)]`.
fn structream_flags(attrs: &[syn::Attribute]) -> syn::Result<(bool, bool)> {
    let (mut done, mut required) = (false, false);
    for attr in attrs.iter().filter(|a| a.path().is_ident("structream")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("done") {
                done = true;
                Ok(())
            } else if meta.path.is_ident("required") {
                required = true;
                Ok(())
            } else {
                Err(meta.error("expected `done` or `required`"))
            }
        })?;
    }
    Ok((done, required))
}

/// `T` for `Option<T>`.
fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    match &last.arguments {
        PathArguments::AngleBracketed(args) if args.args.len() == 1 => match &args.args[0] {
            GenericArgument::Type(inner) => Some(inner),
            _ => None,
        },
        _ => None,
    }
}

fn expand_struct(
    input: &DeriveInput,
    serde: &SerdeAttrs,
    fields: &syn::FieldsNamed,
) -> syn::Result<Tokens> {
    let name = &input.ident;
    let vis = &input.vis;
    let partial = format_ident!("{}Partial", name);
    let mut partial_fields = Vec::new();
    let mut arms = Vec::new();
    // (field, its escaped member names) for `changed`, which names every field.
    let mut members = Vec::new();
    let mut creates = Vec::new();
    let mut policies = Vec::new();
    for field in &fields.named {
        let attrs = SerdeAttrs::of(&field.attrs)?;
        if attrs.skip {
            continue;
        }
        let (done, required) = structream_flags(&field.attrs)?;
        let ident = field.ident.as_ref().expect("named field");
        let rust_name = ident.to_string();
        let rust_name = rust_name.strip_prefix("r#").unwrap_or(&rust_name);
        let json = attrs
            .rename
            .clone()
            .unwrap_or_else(|| case::rename(rust_name, serde.rename_all.as_deref()));
        let inner = option_inner(&field.ty).unwrap_or(&field.ty);
        let doc = format!("`{json}` as far as it has streamed.");
        partial_fields.push(quote! {
            #[doc = #doc]
            #[serde(rename = #json, skip_serializing_if = "::core::option::Option::is_none")]
            pub #ident: ::core::option::Option<<#inner as ::structream::Partial>::Partial>
        });
        let names = std::iter::once(json.clone()).chain(attrs.aliases.iter().cloned());
        let names: Vec<_> = names.collect();
        // Deltas' paths name members by their escaped reference tokens.
        let tokens: Vec<_> = names
            .iter()
            .map(|name| {
                let token = name.replace('~', "~0").replace('/', "~1");
                syn::LitByteStr::new(token.as_bytes(), ident.span())
            })
            .collect();
        for token in &tokens {
            arms.push(quote! {
                if let ::core::option::Option::Some(rest) =
                    ::structream::__private::strip_member(path, #token)
                {
                    return ::structream::__private::apply_field(&mut self.#ident, rest, op, value);
                }
            });
        }
        members.push((ident.clone(), tokens));
        creates.push(quote! {
            #(#names)|* => ::structream::__private::create_field(&mut partial.#ident, item),
        });
        let hold = done.then(|| quote! { policies.hold.push(field.clone()); });
        let require = required
            .then(|| quote! { policies.require.push((path.to_owned(), #json.to_owned())); });
        policies.push(quote! {
            {
                let mut field = path.to_owned();
                ::structream::__private::push_segment(&mut field, #json);
                #hold
                #require
                <#inner as ::structream::Partial>::policies(&field, policies);
            }
        });
    }
    // `changed`: the member on the path copied with its change, the others
    // copied as they are.
    let idents: Vec<_> = members.iter().map(|(ident, _)| ident).collect();
    let mut changed_arms = Vec::new();
    for (ident, tokens) in &members {
        let others = idents.iter().filter(|other| *other != &ident);
        let others: Vec<_> = others.collect();
        for token in tokens {
            changed_arms.push(quote! {
                if let ::core::option::Option::Some(rest) =
                    ::structream::__private::strip_member(path, #token)
                {
                    return ::core::result::Result::Ok(#partial {
                        #ident: ::structream::__private::changed_field(&self.#ident, rest, op, value)?,
                        #(#others: ::core::clone::Clone::clone(&self.#others),)*
                    });
                }
            });
        }
    }
    let doc = format!(
        "The partial companion of [`{name}`]: every field optional, filled in as it streams."
    );
    Ok(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Default, ::structream::__private::serde::Serialize)]
        #[serde(crate = "::structream::__private::serde")]
        #vis struct #partial {
            #(#partial_fields,)*
        }

        impl ::structream::Partial for #name {
            type Partial = #partial;

            fn policies(path: &str, policies: &mut ::structream::partial::Policies) {
                #(#policies)*
            }
        }

        impl ::structream::PartialValue for #partial {
            fn create(
                value: ::structream::partial::Json<'_>,
            ) -> ::core::result::Result<Self, ::structream::partial::PartialError> {
                let mut partial = <#partial as ::core::default::Default>::default();
                for (key, item) in ::structream::__private::members(value)? {
                    match key {
                        #(#creates)*
                        _ => {}
                    }
                }
                ::core::result::Result::Ok(partial)
            }

            fn apply(
                &mut self,
                path: &str,
                op: ::structream::DeltaOp,
                value: &str,
            ) -> ::core::result::Result<(), ::structream::partial::PartialError> {
                if path.is_empty() {
                    if op == ::structream::DeltaOp::Append {
                        return ::core::result::Result::Err(::structream::partial::PartialError::new("append to an object"));
                    }
                    return ::structream::__private::replace_whole(self, path, op, value);
                }
                #(#arms)*
                // A member the type does not have: ignored while streaming.
                ::core::result::Result::Ok(())
            }

            fn changed(
                &self,
                path: &str,
                op: ::structream::DeltaOp,
                value: &str,
            ) -> ::core::result::Result<Self, ::structream::partial::PartialError> {
                if !path.is_empty() {
                    #(#changed_arms)*
                }
                let mut copy = ::core::clone::Clone::clone(self);
                ::structream::PartialValue::apply(&mut copy, path, op, value)?;
                ::core::result::Result::Ok(copy)
            }
        }
    })
}

fn expand_enum(input: &DeriveInput, unit: bool, tag: Option<&str>) -> Tokens {
    let name = &input.ident;
    if unit {
        // Unit variants stream as strings: shown only once complete.
        return quote! {
            // A unit enum is its own partial: it must be Clone, Debug and
            // Deserialize (checked here, so the error names the enum).
            const _: fn() = || {
                fn partial_needs_clone_debug_deserialize<
                    T: ::core::clone::Clone + ::core::fmt::Debug + ::structream::__private::serde::de::DeserializeOwned,
                >() {
                }
                partial_needs_clone_debug_deserialize::<#name>();
            };

            impl ::structream::Partial for #name {
                type Partial = #name;

                fn policies(path: &str, policies: &mut ::structream::partial::Policies) {
                    policies.hold.push(path.to_owned());
                }
            }

            impl ::structream::PartialValue for #name {
                fn create(
                    value: ::structream::partial::Json<'_>,
                ) -> ::core::result::Result<Self, ::structream::partial::PartialError> {
                    ::structream::__private::unit_variant(value)
                }

                fn apply(
                    &mut self,
                    path: &str,
                    op: ::structream::DeltaOp,
                    value: &str,
                ) -> ::core::result::Result<(), ::structream::partial::PartialError> {
                    ::structream::__private::replace_whole(self, path, op, value)
                }
            }
        };
    }
    // Data variants: a JSON value while streaming; an internal tag is held
    // back until complete, so the variant is known the moment it shows.
    let hold_tag = tag.map(|t| {
        quote! {
            let mut tag = path.to_owned();
            ::structream::__private::push_segment(&mut tag, #t);
            policies.hold.push(tag);
        }
    });
    quote! {
        impl ::structream::Partial for #name {
            type Partial = ::structream::partial::JsonValue;

            fn policies(path: &str, policies: &mut ::structream::partial::Policies) {
                let _ = (&path, &policies);
                #hold_tag
            }
        }
    }
}
