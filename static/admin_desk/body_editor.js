// The story body editor: ProseMirror, through django-prose-editor's build of Tiptap, in place
// of every textarea marked data-desk-editor (articles/editing.py), which it keeps up to date
// as HTML. The build is imported by its address, so no import map (an inline script the
// Content-Security-Policy refuses) is needed, and Tiptap's own <style> is not injected
// (body_editor.css holds its rules). Composition (Chinese input methods) is ProseMirror's:
// nothing here listens to keys.
//
// The schema is the sanitiser's allowlist (articles/sanitize.py): what an editor can make
// survives it, and a paste from Word or a web page is reduced to it here, before the server
// cleans it again. Figures keep their captions (an import may bring them) but are not offered:
// the site shows a story's images from its own records, and a pasted <img> is dropped.

// Pasted HTML is parsed by the browser before ProseMirror reads it, in a document that shares
// this page's policy: its style attributes, event handlers and images would each be refused
// there, and reported. They are renamed to inert data attributes first, and bold and italic
// are read from the renamed style. A link's target goes the same way: the sanitiser does not
// keep it, and the editor would hear on saving that something it never saw was dropped.
const PASTED_STYLE_ELEMENT = /<style[\s\S]*?<\/style\s*>/gi;
const PASTED_TAG = /<[a-zA-Z][^>]*>/g;
const RISKY_ATTRIBUTE = /(\s)(style|on[a-z]+|src|srcset|target)(\s*=)/gi;

function inertPaste(html) {
  return html
    .replace(PASTED_STYLE_ELEMENT, "")
    .replace(PASTED_TAG, (tag) => tag.replace(RISKY_ATTRIBUTE, "$1data-desk-$2$3"));
}

const styled = (element, pattern) => pattern.test(element.getAttribute("data-desk-style") || "");

function extensionsOf({
  Blockquote,
  Bold,
  BulletList,
  Code,
  CodeBlock,
  Document,
  Dropcursor,
  Gapcursor,
  HardBreak,
  Heading,
  History,
  HorizontalRule,
  Italic,
  Link,
  ListItem,
  Menu,
  Node,
  OrderedList,
  Paragraph,
  Subscript,
  Superscript,
  Text,
}) {
  const PastedBold = Bold.extend({
    parseHTML() {
      return [
        { tag: "strong" },
        { tag: "b", getAttrs: (e) => !styled(e, /font-weight\s*:\s*(normal|[1-4]00)/i) && null },
        {
          tag: "[data-desk-style]",
          consuming: false,
          getAttrs: (e) => styled(e, /font-weight\s*:\s*(bold|[6-9]00)/i) && null,
        },
      ];
    },
  });

  const PastedItalic = Italic.extend({
    parseHTML() {
      return [
        { tag: "em" },
        { tag: "i", getAttrs: (e) => !styled(e, /font-style\s*:\s*normal/i) && null },
        {
          tag: "[data-desk-style]",
          consuming: false,
          getAttrs: (e) => styled(e, /font-style\s*:\s*italic/i) && null,
        },
      ];
    },
  });

  const Figure = Node.create({
    name: "deskFigure",
    group: "block",
    content: "block+",
    parseHTML: () => [{ tag: "figure" }],
    renderHTML: () => ["figure", 0],
  });

  const Caption = Node.create({
    name: "deskCaption",
    group: "block",
    content: "inline*",
    parseHTML: () => [{ tag: "figcaption" }],
    renderHTML: () => ["figcaption", 0],
  });

  return [
    Document,
    Paragraph,
    Text,
    HardBreak,
    // A page's top heading is the story's headline, which has its own field; pasted, it is a
    // heading of the body like the others.
    Heading.configure({ levels: [2, 3, 4] }).extend({
      parseHTML() {
        return [
          { tag: "h1", attrs: { level: 2 } },
          { tag: "h2", attrs: { level: 2 } },
          { tag: "h3", attrs: { level: 3 } },
          { tag: "h4", attrs: { level: 4 } },
          { tag: "h5", attrs: { level: 4 } },
          { tag: "h6", attrs: { level: 4 } },
        ];
      },
    }),
    PastedBold,
    PastedItalic,
    Link.configure({ enableTarget: false, defaultProtocol: "https" }),
    BulletList,
    OrderedList.configure({ enableListAttributes: false }),
    ListItem,
    Blockquote,
    HorizontalRule,
    Subscript,
    Superscript,
    Code,
    CodeBlock,
    History,
    Dropcursor,
    Gapcursor,
    Figure,
    Caption,
    Menu,
  ];
}

function labelButtons(element, labels) {
  // The menu's own titles are English words; these come translated from the server.
  for (const button of element.querySelectorAll(".prose-menubar [data-name]")) {
    const label = labels[button.dataset.name];
    if (!label) continue;
    button.title = label;
    button.setAttribute("aria-label", label);
    if (button.closest(".prose-menubar__picker")) button.textContent = label;
  }
}

function createEditor(textarea, Editor, extensions) {
  const { labels } = JSON.parse(textarea.dataset.deskEditor);
  const label = document.querySelector(`label[for="${textarea.id}"]`);
  const element = document.createElement("div");
  element.className = "prose-editor";
  textarea.before(element);
  element.append(textarea);
  const editor = new Editor({
    element,
    extensions,
    content: textarea.value,
    injectCSS: false,
    editorProps: {
      transformPastedHTML: inertPaste,
      attributes: {
        "aria-label": label ? label.textContent.replace(/[:：]$/, "") : "",
        lang: textarea.closest("[lang]")?.lang || "",
      },
    },
    onUpdate() {
      // Only an edit writes the field: a body nobody touched goes back as it came.
      textarea.value = editor.getHTML();
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    },
  });
  labelButtons(element, labels);
  editor.on("transaction", () => labelButtons(element, labels));
  if (label) label.addEventListener("click", () => editor.commands.focus());
  element.deskEditor = editor; // for tests and for whatever else on the page needs it
  return editor;
}

const textareas = [...document.querySelectorAll("textarea[data-desk-editor]")].filter(
  (textarea) => !textarea.id.includes("__prefix__"),
);
if (textareas.length) {
  // The build's address comes from the server, hashed like every static file, so browsers
  // may keep it for good.
  const tiptap = await import(JSON.parse(textareas[0].dataset.deskEditor).module);
  const extensions = extensionsOf(tiptap);
  for (const textarea of textareas) createEditor(textarea, tiptap.Editor, extensions);
}
