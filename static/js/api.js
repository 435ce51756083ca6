// The highlight JSON API, called as the page's reader: session cookie, CSRF header.

export class ApiError extends Error {
  constructor(status, body) {
    super(firstError(body) || `The server answered ${status}.`);
    this.status = status;
    this.body = body;
  }
}

export function firstError(body) {
  const errors = body?.errors;
  if (!errors) return "";
  return Object.entries(errors)
    .map(([field, messages]) => (field === "__all__" ? "" : `${field}: `) + messages.join(" "))
    .join(" ");
}

export class Api {
  constructor(token) {
    this.token = token;
  }

  async call(method, url, body, { ifMatch, keepalive = false } = {}) {
    const headers = { Accept: "application/json", "X-CSRFToken": this.token };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (ifMatch !== undefined) headers["If-Match"] = `"${ifMatch}"`;
    let response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "same-origin",
        keepalive,
      });
    } catch {
      throw new ApiError(0, { errors: { __all__: ["No connection: nothing was saved."] } });
    }
    if (response.status === 204) return null;
    const data = await response.json().catch(() => null);
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }
}
