//! A router that remembers what it serves: every method and path template given to it, so that a
//! test can hold its own list of routes against the real one (the fuzz test of issue 16 fails naming a
//! route added without a fuzz entry).
//!
//! The routes are written as with axum — `.route("/clientes", get(list).post(create))` — with the
//! `get`/`post`/… of this module, which note the method beside the handler. Nothing else changes: the
//! same axum `Router` is built, and the table costs a `Vec` built once at start.

use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::response::IntoResponse;
use axum::routing::{MethodFilter, MethodRouter, Route};
use std::convert::Infallible;
use tower::{Layer, Service};

/// One route: a method and the path template it is served at (`/v1/loans/{id}/payments`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RouteEntry {
    pub method: Method,
    pub path: &'static str,
}

/// The handlers of one path, with the methods they answer.
pub struct Methods<S> {
    router: MethodRouter<S>,
    methods: Vec<Method>,
}

/// An axum `Router` and the table of its routes, built together.
pub struct Routes<S> {
    router: Router<S>,
    table: Vec<RouteEntry>,
}

impl<S: Clone + Send + Sync + 'static> Default for Routes<S> {
    fn default() -> Self {
        Routes {
            router: Router::new(),
            table: Vec::new(),
        }
    }
}

impl<S: Clone + Send + Sync + 'static> Routes<S> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn route(mut self, path: &'static str, methods: Methods<S>) -> Self {
        self.router = self.router.route(path, methods.router);
        let entries = methods.methods.into_iter();
        self.table
            .extend(entries.map(|method| RouteEntry { method, path }));
        self
    }

    pub fn merge(mut self, other: Routes<S>) -> Self {
        self.router = self.router.merge(other.router);
        self.table.extend(other.table);
        self
    }

    /// `Router::route_layer`: the layer runs for the routes added so far, once one of them matched.
    pub fn route_layer<L>(mut self, layer: L) -> Self
    where
        L: Layer<Route> + Clone + Send + Sync + 'static,
        L::Service: Service<axum::extract::Request> + Clone + Send + Sync + 'static,
        <L::Service as Service<axum::extract::Request>>::Response: IntoResponse + 'static,
        <L::Service as Service<axum::extract::Request>>::Error: Into<Infallible> + 'static,
        <L::Service as Service<axum::extract::Request>>::Future: Send + 'static,
    {
        self.router = self.router.route_layer(layer);
        self
    }

    /// The router to serve and its table, sorted by path then method.
    pub fn into_parts(self) -> (Router<S>, Vec<RouteEntry>) {
        let mut table = self.table;
        table.sort_by(|a, b| (a.path, a.method.as_str()).cmp(&(b.path, b.method.as_str())));
        (self.router, table)
    }
}

macro_rules! method_fns {
    ($($name:ident => $filter:ident, $method:ident;)+) => {
        $(
            /// The handler of this method, noted in the route table.
            pub fn $name<H, T, S>(handler: H) -> Methods<S>
            where
                H: Handler<T, S>,
                T: 'static,
                S: Clone + Send + Sync + 'static,
            {
                Methods {
                    router: axum::routing::on(MethodFilter::$filter, handler),
                    methods: vec![Method::$method],
                }
            }
        )+

        impl<S: Clone + Send + Sync + 'static> Methods<S> {
            $(
                /// Another method of the same path.
                pub fn $name<H, T>(mut self, handler: H) -> Methods<S>
                where
                    H: Handler<T, S>,
                    T: 'static,
                {
                    self.router = self.router.on(MethodFilter::$filter, handler);
                    self.methods.push(Method::$method);
                    self
                }
            )+
        }
    };
}

method_fns! {
    get => GET, GET;
    post => POST, POST;
    put => PUT, PUT;
    patch => PATCH, PATCH;
    delete => DELETE, DELETE;
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn ok() -> &'static str {
        "ok"
    }

    #[test]
    fn the_table_lists_every_method_of_every_path_merged_in() {
        let inner = Routes::<()>::new().route("/b/{id}", post(ok).delete(ok));
        let (_, table) = Routes::<()>::new()
            .route("/a", get(ok).put(ok).patch(ok))
            .merge(inner)
            .into_parts();
        let listed: Vec<(String, &str)> = table
            .iter()
            .map(|r| (r.method.to_string(), r.path))
            .collect();
        let expected = [
            ("GET", "/a"),
            ("PATCH", "/a"),
            ("PUT", "/a"),
            ("DELETE", "/b/{id}"),
            ("POST", "/b/{id}"),
        ];
        assert_eq!(
            listed,
            expected.map(|(m, p)| (m.to_string(), p)).to_vec(),
            "sorted by path, then method"
        );
    }
}
