using System.Text;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace NetSim.Scenario;

/// <summary>
/// Akka.Configuration's HOCON parser (<c>Akka.Configuration.Hocon.Parser</c> and <c>HoconTokenizer</c>, 1.5), step for
/// step, without its cost: Akka's tokenizer takes a substring for every look-ahead (several per character), so a
/// 3.5 MB scenario file made 700 MB of garbage and half a second of garbage collection. This is the same grammar with
/// the same quirks (trailing blanks kept as literals, a one-character blind spot at the end of the text, unquoted
/// keys trimmed, objects merged, later values replacing earlier ones) building the same <see cref="HoconValue"/>
/// tree, so the scenario builder reads exactly what it read from Akka's. What this does not do itself (includes,
/// substitutions) or any text Akka's parser would reject makes <see cref="TryParse"/> return null: the caller then
/// parses with Akka, which gives its own result or error. tests/Scenario.Tests HoconReaderTests compares the two trees
/// on every sample and test scenario and on generated text.
/// </summary>
internal sealed class HoconReader
{
    private const string NotInUnquotedKey = "$\"{}[]:=,#`^?!@*&\\.";
    private const string NotInUnquotedText = "$\"{}[]:=,#`^?!@*&\\";

    private readonly string _text;
    private int _index;

    private HoconReader(string text) => _text = text;

    /// <summary>The text parsed as Akka's parser parses it, or null where only Akka's parser can say (substitutions,
    /// includes, errors).</summary>
    public static Config? TryParse(string text)
    {
        try
        {
            var reader = new HoconReader(text);
            var root = new HoconValue();
            reader.PullWhitespaceAndComments();
            reader.ParseObject(root, root: true);
            return new Config(new HoconRoot(root, new List<HoconSubstitution>()));
        }
        catch (Exception)
        {
            // NotAkkaFree, or text Akka's parser rejects too (its message, with its position, comes from it).
            return null;
        }
    }

    /// <summary>Something left to Akka's parser.</summary>
    private sealed class NotAkkaFree : Exception;

    private enum TokenType { Key, Dot, ObjectStart, ObjectEnd, Assign, ArrayStart, ArrayEnd, LiteralValue, EoF }

    private readonly record struct Token(TokenType Type, string? Value = null);

    // ---- Parser (Akka.Configuration.Hocon.Parser) ----

    private void ParseObject(HoconValue owner, bool root)
    {
        if (!owner.IsObject()) owner.NewValue(new HoconObject());
        var current = owner.GetObject();
        while (!EoF)
        {
            var t = PullNext();
            switch (t.Type)
            {
                case TokenType.Key:
                    var value = current.GetOrCreateKey(t.Value!);
                    ParseKeyContent(value);
                    if (!root) return;
                    break;
                case TokenType.ObjectEnd:
                    return;
            }
        }
    }

    private void ParseKeyContent(HoconValue value)
    {
        while (!EoF)
        {
            var t = PullNext();
            switch (t.Type)
            {
                case TokenType.Dot:
                    ParseObject(value, root: false);
                    return;
                case TokenType.Assign:
                    if (!value.IsObject()) value.Clear();
                    ParseValue(value);
                    return;
                case TokenType.ObjectStart:
                    ParseObject(value, root: true);
                    return;
            }
        }
    }

    private void ParseValue(HoconValue owner)
    {
        if (EoF) throw new FormatException("End of file reached while trying to read a value");
        PullWhitespaceAndComments();
        while (IsValue())
        {
            var t = PullValue();
            switch (t.Type)
            {
                case TokenType.LiteralValue:
                    if (owner.IsObject()) owner.Clear();
                    owner.AppendValue(new HoconLiteral { Value = t.Value });
                    break;
                case TokenType.ObjectStart:
                    ParseObject(owner, root: true);
                    break;
                case TokenType.ArrayStart:
                    owner.AppendValue(ParseArray());
                    break;
            }
            if (IsSpaceOrTab())
            {
                var ws = PullSpaceOrTab();
                if (ws.Length > 0) owner.AppendValue(new HoconLiteral { Value = ws });
            }
        }
        if (IsComma()) _index++;
    }

    private HoconArray ParseArray()
    {
        var array = new HoconArray();
        while (!EoF && !IsArrayEnd())
        {
            var v = new HoconValue();
            ParseValue(v);
            array.Add(v);
            PullWhitespaceAndComments();
        }
        Take();
        return array;
    }

    // ---- Tokenizer (Akka.Configuration.Hocon.HoconTokenizer) ----

    private bool EoF => _index >= _text.Length;

    private char Peek() => EoF ? '\0' : _text[_index];

    private char Take() => EoF ? '\0' : _text[_index++];

    /// <summary>Akka's <c>Matches(string)</c>: the pattern starts here.</summary>
    private bool Matches(string pattern) => _text.AsSpan(_index).StartsWith(pattern, StringComparison.Ordinal);

    /// <summary>Akka's <c>Matches(string)</c> of a one-character pattern.</summary>
    private bool Is(char c) => _index < _text.Length && _text[_index] == c;

    /// <summary>Akka's <c>Matches(params string[])</c> of a one-character pattern: it skips a pattern that ends the text
    /// (its <c>&gt;=</c>).</summary>
    private bool IsNotLast(char c) => _index + 1 < _text.Length && _text[_index] == c;

    private bool IsWhitespace() => char.IsWhiteSpace(Peek());

    private bool IsStartOfComment() => IsNotLast('#') || (_index + 2 < _text.Length && _text[_index] == '/' && _text[_index + 1] == '/');

    private bool IsSpaceOrTab() => IsNotLast(' ') || IsNotLast('\t');

    private bool IsAssignment() => IsNotLast('=') || IsNotLast(':');

    private bool IsComma() => Is(',');

    private bool IsArrayEnd() => Is(']');

    private bool IsUnquotedKey() => !EoF && !IsStartOfComment() && !NotInUnquotedKey.Contains(_text[_index]);

    private bool IsUnquotedKeyStart() => !EoF && !IsWhitespace() && !IsStartOfComment() && !NotInUnquotedKey.Contains(_text[_index]);

    private bool IsUnquotedText() => !EoF && !IsWhitespace() && !IsStartOfComment() && !NotInUnquotedText.Contains(_text[_index]);

    private bool IsValue() => Is('[') || Is('{') || Is('"') || Matches("${") || IsUnquotedText(); // '"' covers Akka's '"""'

    private void PullWhitespace()
    {
        while (!EoF && char.IsWhiteSpace(Peek())) _index++;
    }

    private void PullWhitespaceAndComments()
    {
        do
        {
            PullWhitespace();
            while (IsStartOfComment())
                while (!EoF && Take() != '\n') { } // the rest of the line, its '\n' too
        } while (IsWhitespace());
    }

    private Token PullNext()
    {
        PullWhitespaceAndComments();
        if (Is('.')) { _index++; return new(TokenType.Dot); }
        if (Is('{')) { _index++; return new(TokenType.ObjectStart); }
        if (Is('}')) { _index++; return new(TokenType.ObjectEnd); }
        if (IsAssignment()) { _index++; return new(TokenType.Assign); }
        if (IsInclude()) throw new NotAkkaFree();
        if (Is('"')) return new(TokenType.Key, PullQuoted());
        if (IsUnquotedKeyStart())
        {
            var start = _index;
            while (!EoF && IsUnquotedKey()) _index++;
            return new(TokenType.Key, _text.AsSpan(start, _index - start).Trim().ToString());
        }
        if (Is('[')) { _index++; return new(TokenType.ArrayStart); }
        if (Is(']')) { _index++; return new(TokenType.ArrayEnd); }
        if (EoF) return new(TokenType.EoF);
        throw new FormatException("Unknown token"); // Akka's message, with its position, comes from Akka's parser
    }

    /// <summary>Akka's <c>IsInclude</c>: "include", blanks or comments, then a quoted string (the position is kept).</summary>
    private bool IsInclude()
    {
        if (!Matches("include")) return false;
        var at = _index;
        try
        {
            _index += "include".Length;
            if (!IsWhitespace() && !IsStartOfComment()) return false;
            PullWhitespaceAndComments();
            return Matches("\"");
        }
        finally
        {
            _index = at;
        }
    }

    private Token PullValue()
    {
        if (Is('{')) { _index++; return new(TokenType.ObjectStart); }
        if (Matches("\"\"\""))
        {
            _index += 3;
            var start = _index;
            while (!EoF && !Matches("\"\"\"")) _index++;
            var body = _text[start.._index];
            if (_index + 3 <= _text.Length) _index += 3; // Akka's Take(3) takes nothing when fewer are left
            return new(TokenType.LiteralValue, body);
        }
        if (Is('"')) return new(TokenType.LiteralValue, PullQuoted());
        if (IsUnquotedText())
        {
            var start = _index;
            while (!EoF && IsUnquotedText()) _index++;
            if (IsAssignment()) throw new FormatException("unquoted text followed by '=' or ':'");
            return new(TokenType.LiteralValue, _text[start.._index]);
        }
        if (Is('[')) { _index++; return new(TokenType.ArrayStart); }
        if (Is(']')) { _index++; return new(TokenType.ArrayEnd); }
        if (Matches("${")) throw new NotAkkaFree(); // substitutions: Akka resolves them
        throw new FormatException("Expected value");
    }

    /// <summary>Akka's <c>PullQuotedText</c> / <c>PullQuotedKey</c>: up to the next '"' (or the end), escapes decoded.</summary>
    private string PullQuoted()
    {
        _index++;
        var start = _index;
        while (!EoF && _text[_index] != '"' && _text[_index] != '\\') _index++;
        if (EoF || _text[_index] == '"')
        {
            var plain = _text[start.._index];
            Take();
            return plain;
        }
        var sb = new StringBuilder().Append(_text, start, _index - start);
        while (!EoF && !Is('"'))
        {
            if (Is('\\')) sb.Append(PullEscapeSequence());
            else sb.Append(_text[_index++]);
        }
        Take();
        return sb.ToString();
    }

    private string PullEscapeSequence()
    {
        Take();
        var escaped = Take();
        switch (escaped)
        {
            case '"': return "\"";
            case '\\': return "\\";
            case '/': return "/";
            case 'b': return "\b";
            case 'f': return "\f";
            case 'n': return "\n";
            case 'r': return "\r";
            case 't': return "\t";
            case 'u':
                if (_index + 4 > _text.Length) throw new NotAkkaFree(); // Akka reads "0x" + null: its own error
                var hex = _text.Substring(_index, 4);
                _index += 4;
                return ((char)Convert.ToInt32("0x" + hex, 16)).ToString();
            default:
                throw new FormatException($"Unknown escape code: {escaped}");
        }
    }

    private string PullSpaceOrTab()
    {
        var start = _index;
        while (IsSpaceOrTab()) _index++;
        var length = _index - start;
        return length == 1 ? (_text[start] == ' ' ? " " : "\t") : _text.Substring(start, length);
    }
}
