using System.Text;

namespace NetSim.Scenario;

/// <summary>
/// A light, path-aware scan of HOCON source text. It checks the structure (balanced braces and brackets, closed
/// strings, a value after every '=') and records the line on which each key path is defined, because
/// Akka.Configuration's HOCON parser reports no positions (and loops forever on an unclosed list, so the text is
/// checked here before Akka sees it). Paths are dotted, lists indexed: <c>script[2].ping.count</c>.
/// It also rejects, with a line, everything Akka's parser handles badly: nesting deeper than <see cref="MaxDepth"/>
/// (Akka recurses, and a stack overflow cannot be caught), backslashes outside quoted strings and unknown escapes
/// (Akka loops forever on <c>[\]</c>), <c>+=</c>, and substitutions that are unresolvable, cyclic or expand
/// without bound.
/// </summary>
public sealed class HoconSourceMap
{
    /// <summary>Deepest nesting of objects and lists a scenario file may use.</summary>
    public const int MaxDepth = 64;

    /// <summary>Most substitution expansions (counted through chains) a file may need.</summary>
    public const int MaxSubstitutionExpansions = 10_000;

    private readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);

    // The text, for recording the lines of its key paths on first need: a file that loads without an error never
    // needs them, and at 10,000 hosts they are 300,000 path strings.
    private readonly string _text;
    private bool _linesRecorded;
    private readonly object _recording = new();

    private readonly List<(string Path, string Target, int Line)> _substitutions = [];

    private readonly List<int> _commasAfterObjects = [];

    private HoconSourceMap(string text) => _text = text;

    /// <summary>
    /// The text as handed to Akka.Configuration: a ',' right after a closing '}' (as in <c>a { x = 1 }, b = 2</c>)
    /// is valid HOCON that Akka's parser rejects, so it is turned into a new line; every other character keeps its
    /// offset, so Akka's "position N" still points into the original text.
    /// </summary>
    public string ForAkka(string text)
    {
        if (_commasAfterObjects.Count == 0) return text;
        var chars = text.ToCharArray();
        foreach (var offset in _commasAfterObjects) chars[offset] = '\n';
        return new string(chars);
    }

    /// <summary>1-based line of a character offset in <paramref name="text"/>.</summary>
    public static int LineAt(string text, int offset)
    {
        int line = 1;
        for (int i = 0; i < offset && i < text.Length; i++) if (text[i] == '\n') line++;
        return line;
    }

    /// <summary>The syntax error found, with its 1-based line, or null when the structure is sound.</summary>
    public (int Line, string Message)? SyntaxError { get; private set; }

    /// <summary>Every recorded key path (in no particular order).</summary>
    public IEnumerable<string> Paths => Lines.Keys;

    /// <summary>Line on which <paramref name="path"/> was last defined, or null.</summary>
    public int? LineOf(string path) => Lines.TryGetValue(path, out var line) ? line : null;

    /// <summary>The line of every key path, recorded by a second pass over the text the first time one is asked for
    /// (the text is known to be sound by then: the pass that checked it found no error, or stopped at the same one).</summary>
    private Dictionary<string, int> Lines
    {
        get
        {
            lock (_recording)
            {
                if (!_linesRecorded)
                {
                    _linesRecorded = true;
                    try { new Parser(Tokenize(_text, []), _lines, [], record: true).ParseRoot(); }
                    catch (HoconSyntaxException) { } // the lines before the error, as a recording scan leaves them
                }
                return _lines;
            }
        }
    }

    /// <summary>Line of the path or of its nearest recorded ancestor (0 when none is recorded).</summary>
    public int NearestLine(string path)
    {
        var lines = Lines;
        var p = path;
        while (p.Length > 0)
        {
            if (lines.TryGetValue(p, out var line)) return line;
            var cut = Math.Max(p.LastIndexOf('.'), p.LastIndexOf('['));
            if (cut <= 0) break;
            p = p[..cut];
        }
        return 0;
    }

    /// <summary>Scans <paramref name="text"/>.</summary>
    public static HoconSourceMap Scan(string text)
    {
        var map = new HoconSourceMap(text);
        try
        {
            var tokens = Tokenize(text, map._commasAfterObjects);
            // Checked without naming key paths (no string per key) unless substitutions need them.
            var record = tokens.Exists(t => t.Kind == TokenKind.Substitution);
            map._linesRecorded = record;
            try
            {
                new Parser(tokens, map._lines, map._substitutions, record).ParseRoot();
            }
            catch (HoconSyntaxException) when (!record)
            {
                // The message names a key path: the pass that names them stops at the same error (and throws it).
                map._linesRecorded = true;
                new Parser(tokens, map._lines, map._substitutions, record: true).ParseRoot();
            }
            map.CheckSubstitutions();
        }
        catch (HoconSyntaxException e)
        {
            map._linesRecorded = true;
            map.SyntaxError = (e.Line, e.Message);
        }
        return map;
    }

    /// <summary>
    /// Every substitution must name a key defined in the text, must not refer to itself or to an object around or
    /// inside it, must not be part of a cycle, and the chains may not need more than
    /// <see cref="MaxSubstitutionExpansions"/> expansions (a = ${b}${b}, b = ${c}${c} ... doubles at each step).
    /// </summary>
    private void CheckSubstitutions()
    {
        if (_substitutions.Count == 0) return;
        static bool Related(string a, string b) =>
            a == b || a.StartsWith(b + ".", StringComparison.Ordinal) || a.StartsWith(b + "[", StringComparison.Ordinal)
            || b.StartsWith(a + ".", StringComparison.Ordinal) || b.StartsWith(a + "[", StringComparison.Ordinal);
        foreach (var (path, target, line) in _substitutions)
        {
            if (!_lines.ContainsKey(target)) throw new HoconSyntaxException(line, $"${{{target}}} in '{path}' names no key of this file");
            if (Related(path, target)) throw new HoconSyntaxException(line, $"${{{target}}} in '{path}' refers to itself");
        }
        // Expansions needed to resolve a path: 1 per substitution at, above or below it, plus what its target needs.
        var memo = new Dictionary<string, long>(StringComparer.Ordinal);
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        long Expansions(string target, int line)
        {
            if (memo.TryGetValue(target, out var known)) return known;
            if (!onStack.Add(target)) throw new HoconSyntaxException(line, $"substitutions form a cycle through ${{{target}}}");
            long total = 0;
            foreach (var (path, next, nextLine) in _substitutions)
            {
                if (!Related(path, target)) continue;
                total += 1 + Expansions(next, nextLine);
                if (total > MaxSubstitutionExpansions)
                    throw new HoconSyntaxException(line, $"${{{target}}} needs more than {MaxSubstitutionExpansions} substitutions to resolve");
            }
            onStack.Remove(target);
            memo[target] = total;
            return total;
        }
        long all = 0;
        foreach (var (_, target, line) in _substitutions)
            if ((all += 1 + Expansions(target, line)) > MaxSubstitutionExpansions)
                throw new HoconSyntaxException(line, $"the file needs more than {MaxSubstitutionExpansions} substitutions to resolve");
    }

    private enum TokenKind { LBrace, RBrace, LBracket, RBracket, Separator, Comma, Newline, Text, Quoted, Substitution, End }

    private readonly record struct Token(TokenKind Kind, string Text, int Line);

    private sealed class HoconSyntaxException(int line, string message) : Exception(message)
    {
        public int Line { get; } = line;
    }

    private static List<Token> Tokenize(string s, List<int> commasAfterObjects)
    {
        var tokens = new List<Token>();
        int i = 0, line = 1;
        while (i < s.Length)
        {
            char c = s[i];
            char next = i + 1 < s.Length ? s[i + 1] : '\0';
            switch (c)
            {
                case '\n': tokens.Add(new(TokenKind.Newline, "\n", line)); line++; i++; continue;
                case ' ' or '\t' or '\r' or '\uFEFF': i++; continue;
                case '#': while (i < s.Length && s[i] != '\n') i++; continue;
                case '/' when next == '/': while (i < s.Length && s[i] != '\n') i++; continue;
                case '{': tokens.Add(new(TokenKind.LBrace, "{", line)); i++; continue;
                case '}': tokens.Add(new(TokenKind.RBrace, "}", line)); i++; continue;
                case '[': tokens.Add(new(TokenKind.LBracket, "[", line)); i++; continue;
                case ']': tokens.Add(new(TokenKind.RBracket, "]", line)); i++; continue;
                case ',':
                    if (tokens.Count > 0 && tokens[^1].Kind == TokenKind.RBrace) commasAfterObjects.Add(i);
                    tokens.Add(new(TokenKind.Comma, ",", line));
                    i++;
                    continue;
                case '=' or ':': tokens.Add(new(TokenKind.Separator, c.ToString(), line)); i++; continue;
                case '+' when next == '=':
                    throw new HoconSyntaxException(line, "'+=' is not supported in scenario files; write the whole list or value");
                case '\\':
                    throw new HoconSyntaxException(line, "a backslash is only allowed inside a quoted string (\"...\")");
                case '$' when next == '{':
                {
                    int close = s.IndexOf('}', i);
                    int eol = s.IndexOf('\n', i);
                    if (close < 0 || (eol >= 0 && eol < close)) throw new HoconSyntaxException(line, "substitution '${' is not closed with '}' on the same line");
                    tokens.Add(new(TokenKind.Substitution, s[i..(close + 1)], line));
                    i = close + 1;
                    continue;
                }
                case '"':
                {
                    int startLine = line;
                    if (next == '"' && i + 2 < s.Length && s[i + 2] == '"')
                    {
                        int close = s.IndexOf("\"\"\"", i + 3, StringComparison.Ordinal);
                        if (close < 0) throw new HoconSyntaxException(startLine, "string opened with \"\"\" is never closed");
                        var body = s[(i + 3)..close];
                        line += body.Count(ch => ch == '\n');
                        tokens.Add(new(TokenKind.Quoted, body, startLine));
                        i = close + 3;
                        continue;
                    }
                    var sb = new StringBuilder();
                    i++;
                    while (true)
                    {
                        if (i >= s.Length || s[i] == '\n') throw new HoconSyntaxException(startLine, "string is not closed with '\"' before the end of the line");
                        if (s[i] == '\\')
                        {
                            i = Unescape(s, i, sb, startLine);
                            continue;
                        }
                        if (s[i] == '"') { i++; break; }
                        sb.Append(s[i++]);
                    }
                    tokens.Add(new(TokenKind.Quoted, sb.ToString(), startLine));
                    continue;
                }
                default:
                {
                    int start = i;
                    while (i < s.Length && !IsTextEnd(s, i)) i++;
                    tokens.Add(new(TokenKind.Text, s[start..i], line));
                    continue;
                }
            }
        }
        tokens.Add(new(TokenKind.End, "", line));
        return tokens;
    }

    /// <summary>Reads the escape at <paramref name="i"/> (a backslash) as JSON/HOCON defines them; returns the index after it.</summary>
    private static int Unescape(string s, int i, StringBuilder sb, int line)
    {
        char e = i + 1 < s.Length ? s[i + 1] : '\n';
        switch (e)
        {
            case '"' or '\\' or '/': sb.Append(e); return i + 2;
            case 'b': sb.Append('\b'); return i + 2;
            case 'f': sb.Append('\f'); return i + 2;
            case 'n': sb.Append('\n'); return i + 2;
            case 'r': sb.Append('\r'); return i + 2;
            case 't': sb.Append('\t'); return i + 2;
            case 'u' when i + 6 <= s.Length && s.AsSpan(i + 2, 4).ContainsAnyExcept("0123456789abcdefABCDEF") is false:
                sb.Append((char)Convert.ToInt32(s.Substring(i + 2, 4), 16));
                return i + 6;
            case '\n' or '\r':
                throw new HoconSyntaxException(line, "string is not closed with '\"' before the end of the line");
            case 'u':
                throw new HoconSyntaxException(line, "'\\u' in a quoted string needs four hex digits (\\u00e9)");
            default:
                throw new HoconSyntaxException(line, $"unknown escape '\\{(e == 'u' ? "u" : e.ToString())}' in a quoted string (use \\\\ for a backslash; escapes: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
        }
    }

    private static bool IsTextEnd(string s, int i)
    {
        char c = s[i];
        if (c is ' ' or '\t' or '\r' or '\n' or '{' or '}' or '[' or ']' or ',' or '=' or ':' or '#' or '"' or '\\') return true;
        if (c == '/' && i + 1 < s.Length && s[i + 1] == '/') return true;
        if (c == '$' && i + 1 < s.Length && s[i + 1] == '{') return true;
        if (c == '+' && i + 1 < s.Length && s[i + 1] == '=') return true;
        return false;
    }

    // record: name key paths (error messages, lines, substitutions); without, paths are "" and nothing is recorded,
    // and an error's message is only right for its line (Scan then parses again, recording).
    private sealed class Parser(List<Token> tokens, Dictionary<string, int> lines, List<(string Path, string Target, int Line)> substitutions, bool record)
    {
        private int _pos;
        private int _depth;

        private void Enter(int line)
        {
            if (++_depth > MaxDepth) throw new HoconSyntaxException(line, $"objects and lists are nested more than {MaxDepth} levels deep");
        }

        private Token Peek => tokens[_pos];
        private Token Next() => tokens[_pos++];

        public void ParseRoot()
        {
            SkipNewlines();
            if (Peek.Kind == TokenKind.LBrace)
            {
                var open = Next();
                ParseObjectBody("", TokenKind.RBrace, open.Line);
                SkipNewlines();
                if (Peek.Kind != TokenKind.End) throw new HoconSyntaxException(Peek.Line, $"unexpected '{Peek.Text}' after the closing '}}' of the root object");
            }
            else
            {
                ParseObjectBody("", TokenKind.End, 0);
            }
        }

        private void SkipNewlines()
        {
            while (Peek.Kind == TokenKind.Newline) _pos++;
        }

        private void ParseObjectBody(string prefix, TokenKind end, int openLine)
        {
            Enter(openLine);
            while (true)
            {
                while (Peek.Kind is TokenKind.Newline or TokenKind.Comma) _pos++;
                var t = Peek;
                if (t.Kind == end)
                {
                    if (end != TokenKind.End) _pos++;
                    _depth--;
                    return;
                }
                switch (t.Kind)
                {
                    case TokenKind.End:
                        throw new HoconSyntaxException(openLine, "'{' is never closed (missing '}')");
                    case TokenKind.RBrace:
                        throw new HoconSyntaxException(t.Line, "unexpected '}' (no object is open here)");
                    case TokenKind.RBracket:
                        throw new HoconSyntaxException(t.Line, "unexpected ']' (no list is open here)");
                    case TokenKind.Text or TokenKind.Quoted:
                        break;
                    default:
                        throw new HoconSyntaxException(t.Line, $"expected a key, found '{t.Text}'");
                }

                var path = prefix;
                Next();
                if (t.Kind == TokenKind.Quoted)
                {
                    path = Join(path, t.Text);
                    Record(path, t.Line);
                }
                else if (!record)
                {
                    if (t.Text[0] == '.' || t.Text[^1] == '.' || t.Text.Contains("..", StringComparison.Ordinal))
                        throw new HoconSyntaxException(t.Line, $"key '{t.Text}' has an empty part");
                }
                else
                {
                    foreach (var segment in t.Text.Split('.'))
                    {
                        if (segment.Length == 0) throw new HoconSyntaxException(t.Line, $"key '{t.Text}' has an empty part");
                        path = Join(path, segment);
                        Record(path, t.Line);
                    }
                }

                if (t.Kind == TokenKind.Text && t.Text == "include")
                    throw new HoconSyntaxException(t.Line, "'include' is not supported in scenario files");

                var after = Peek;
                if (after.Kind == TokenKind.LBrace)
                {
                    Next();
                    ParseObjectBody(path, TokenKind.RBrace, after.Line);
                }
                else if (after.Kind == TokenKind.Separator)
                {
                    Next();
                    ParseValue(path, after.Line);
                }
                else if (after.Kind is TokenKind.Text or TokenKind.Quoted)
                {
                    throw new HoconSyntaxException(after.Line, $"expected '=' after key '{t.Text}', found '{after.Text}' (keys cannot contain spaces)");
                }
                else
                {
                    throw new HoconSyntaxException(t.Line, $"expected '=' or '{{' after key '{t.Text}'");
                }

                var follow = Peek;
                if (follow.Kind is not (TokenKind.Newline or TokenKind.Comma or TokenKind.End) && follow.Kind != end)
                    throw new HoconSyntaxException(follow.Line, $"expected a new line or ',' after the value of '{path}', found '{follow.Text}'");
            }
        }

        private void ParseValue(string path, int line)
        {
            var t = Peek;
            switch (t.Kind)
            {
                case TokenKind.LBrace:
                    Next();
                    ParseObjectBody(path, TokenKind.RBrace, t.Line);
                    return;
                case TokenKind.LBracket:
                    Next();
                    ParseList(path, t.Line);
                    return;
                case TokenKind.Text or TokenKind.Quoted or TokenKind.Substitution:
                    while (Peek.Kind is TokenKind.Text or TokenKind.Quoted or TokenKind.Substitution)
                    {
                        var part = Next();
                        if (part.Kind == TokenKind.Substitution) substitutions.Add((path, SubstitutionTarget(part), part.Line));
                    }
                    if (Peek.Kind == TokenKind.Separator && Peek.Text == ":")
                        throw new HoconSyntaxException(Peek.Line, $"':' inside the value of '{path}'; put the value in quotes (for example \"02:00:00:00:00:01\")");
                    return;
                default:
                    throw new HoconSyntaxException(line, $"'{path}' has no value after '='");
            }
        }

        private void ParseList(string path, int openLine)
        {
            Enter(openLine);
            int index = 0;
            while (true)
            {
                while (Peek.Kind is TokenKind.Newline or TokenKind.Comma) _pos++;
                var t = Peek;
                if (t.Kind == TokenKind.RBracket) { Next(); _depth--; return; }
                if (t.Kind is TokenKind.End or TokenKind.RBrace)
                    throw new HoconSyntaxException(openLine, $"'[' of '{path}' is never closed (missing ']')");
                var element = record ? $"{path}[{index}]" : "";
                Record(element, t.Line);
                ParseValue(element, t.Line);
                index++;
                var follow = Peek;
                if (follow.Kind is not (TokenKind.Newline or TokenKind.Comma or TokenKind.RBracket))
                {
                    if (follow.Kind is TokenKind.End or TokenKind.RBrace)
                        throw new HoconSyntaxException(openLine, $"'[' of '{path}' is never closed (missing ']')");
                    throw new HoconSyntaxException(follow.Line, $"expected ',' or ']' in the list '{path}', found '{follow.Text}'");
                }
            }
        }

        private void Record(string path, int line)
        {
            if (record) lines[path] = line;
        }

        private static string SubstitutionTarget(Token t)
        {
            var inner = t.Text[2..^1].Trim();
            if (inner.StartsWith('?')) throw new HoconSyntaxException(t.Line, $"optional substitution '{t.Text}' is not supported (a scenario does not read environment variables)");
            if (inner.Length == 0 || inner.Split('.').Any(p => p.Length == 0 || p.Any(c => char.IsWhiteSpace(c) || c is '"' or '\\' or '[' or ']')))
                throw new HoconSyntaxException(t.Line, $"substitution '{t.Text}' does not name a key (write ${{a.b.c}})");
            return inner;
        }

        private string Join(string prefix, string key) => !record ? "" : prefix.Length == 0 ? key : $"{prefix}.{key}";
    }
}
