import CoxswainCore
import HTTPTypes

/// The route table, shared with the CLI: `APIRoute` (path template, method, least role). The router
/// is built from it and the authorisation and fuzz suites iterate over it, so a new route cannot
/// skip either.
package typealias Endpoint = APIRoute

extension APIMethod {
    /// The method as HTTPTypes spells it.
    package var http: HTTPRequest.Method {
        switch self {
        case .get: .get
        case .post: .post
        case .put: .put
        case .delete: .delete
        }
    }
}
