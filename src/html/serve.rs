//! The start page of `stance serve`: paste an article or choose a file (an article, or JSON
//! lines of articles), which the page's script sends to `POST /predict` and shows the answer,
//! the article view of [`super::article`], below the form.

use maud::{html, PreEscaped};

use super::page;

/// The style of the start page, after the shared style sheet.
const SERVE_STYLE: &str = r#"
textarea { width: 100%; min-height: 12rem; font: inherit; padding: .5rem; }
.row { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; margin: .5rem 0; }
#status { color: var(--muted); white-space: pre-wrap; }
#status.error { color: var(--against); }
iframe { width: 100%; height: 85vh; border: 1px solid var(--rule); border-radius: 4px; }
"#;

/// Sends the pasted text or the chosen file's bytes (unchanged, so the server judges their
/// encoding) and shows the answer in the frame, or the error above it.
const SCRIPT: &str = r#"
(function () {
var form = document.getElementById("form");
var text = document.getElementById("text");
var file = document.getElementById("file");
var statusLine = document.getElementById("status");
var result = document.getElementById("result");
var maxBody = Number(form.dataset.maxBody);
function show(message, error) {
  statusLine.textContent = message;
  statusLine.className = error ? "error" : "";
}
function send(body, size, name, jsonl) {
  if (size > maxBody) {
    show("That is " + size + " bytes; the server takes at most " + maxBody + ".", true);
    return;
  }
  show("Scoring " + name + "…", false);
  var url = "/predict?name=" + encodeURIComponent(name) + (jsonl ? "&format=jsonl" : "");
  var type = jsonl ? "application/x-ndjson" : "text/plain; charset=utf-8";
  fetch(url, { method: "POST", headers: { "Content-Type": type }, body: body })
    .then(function (response) {
      return response.text().then(function (answer) {
        if (!response.ok) {
          show(response.status + " " + response.statusText + ": " + answer, true);
          return;
        }
        show("", false);
        result.hidden = false;
        result.srcdoc = answer;
      });
    })
    .catch(function (error) { show(String(error), true); });
}
form.addEventListener("submit", function (event) {
  event.preventDefault();
  var body = new TextEncoder().encode(text.value);
  send(body, body.length, "pasted article", false);
});
file.addEventListener("change", function () {
  var chosen = file.files[0];
  if (!chosen) { return; }
  chosen.arrayBuffer().then(function (bytes) {
    send(bytes, bytes.byteLength, chosen.name, /\.(jsonl|ndjson)$/i.test(chosen.name));
  });
});
})();
"#;

/// The start page of `stance serve` for the model `model` (its folder, as shown to the
/// user), which takes request bodies of at most `max_body` bytes.
pub fn serve_page(model: &str, max_body: usize) -> String {
    let body = html! {
        h1 { "stance" }
        p.note {
            "Finds the statements of a news article, who made them and which actors they "
            "concern, and labels each statement's stance toward each actor. Model "
            code { (model) } "; nothing you send is kept."
        }
        form #form data-max-body=(max_body) {
            label for="text" { "Paste an article:" }
            textarea #text name="text" placeholder="“We are proud of the Nurses Union,” Mayor Elena Ruiz said." {}
            div.row {
                button type="submit" { "Score the text" }
                label {
                    "or choose a file (an article, or JSON lines "
                    code { r#"{"id": …, "text": …}"# } "): "
                    input #file type="file" accept=".txt,.md,.jsonl,.ndjson,text/plain";
                }
            }
            p.note {
                "At most " (max_body) " bytes. Scripts can post to "
                code { "/predict" } " themselves, with "
                code { "?output=jsonl" } " for JSON lines back."
            }
        }
        p #status {}
        iframe #result title="the article view" hidden {}
        script { (PreEscaped(SCRIPT)) }
    };
    page("stance serve", SERVE_STYLE, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_names_the_model_escaped_and_the_limit() {
        let page = serve_page("models/<x>", 2 << 20);
        assert!(page.contains("models/&lt;x&gt;"));
        assert!(page.contains(r#"data-max-body="2097152""#));
        assert_eq!(page.matches("<script").count(), 1);
    }
}
