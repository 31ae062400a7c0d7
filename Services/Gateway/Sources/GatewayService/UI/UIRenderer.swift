import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

/// Renders the UI's pages: a page's template inside the layout, answered with the security
/// headers every `/ui/` response carries.
struct UIRenderer: Sendable {
    let library: MustacheLibrary

    init() throws {
        var library = MustacheLibrary()
        for (name, text) in UITemplates.all { try library.register(text, named: name) }
        self.library = library
    }

    /// The whole document: `template` rendered with `model`, inside the layout.
    func document(_ template: String, _ model: Any, title: String, chrome: UIChrome?, flash: UIFlash? = nil) -> String {
        let body = library.render(model, withTemplate: template) ?? ""
        return library.render(UILayout(title: title, chrome: chrome, flash: flash, body: body), withTemplate: "layout") ?? ""
    }
}

/// What the layout shows around a page.
struct UILayout {
    var title: String
    var chrome: UIChrome?
    var flash: UIFlash?
    var body: String
}

/// A one-line message at the top of a page.
struct UIFlash: Sendable {
    var text: String
    var tone: String
}

/// The answers of `/ui/`, each with the same strict headers.
enum UIResponse {
    /// No inline script or style, nothing from elsewhere, no framing, forms only to this origin.
    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

    /// The headers on every UI response.
    static func securityHeaders() -> HTTPFields {
        var fields = HTTPFields()
        fields[HTTPField.Name("Content-Security-Policy")!] = contentSecurityPolicy
        fields[HTTPField.Name("X-Frame-Options")!] = "DENY"
        fields[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        fields[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        return fields
    }

    /// An HTML page (never cached: it shows a user's data and a CSRF token).
    static func html(_ text: String, status: HTTPResponse.Status = .ok, cookies: [String] = []) -> Response {
        var headers = securityHeaders()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// `303 See Other` to `location` (after a form, and to the login page).
    static func redirect(_ location: String, cookies: [String] = []) -> Response {
        var headers = securityHeaders()
        headers[.location] = location
        headers[.cacheControl] = "no-store"
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: .seeOther, headers: headers)
    }

    /// A static asset (cached for an hour; it changes only with the Gateway's version).
    static func asset(_ text: String, contentType: String) -> Response {
        var headers = securityHeaders()
        headers[.contentType] = contentType
        headers[.cacheControl] = "public, max-age=3600"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
