import KinexusPostgres
import Testing

struct SQLStatementsTests {
    @Test func splitsOnSemicolonsOutsideQuotesAndComments() {
        let sql = """
            -- a comment; not a statement
            CREATE TABLE t (note text DEFAULT 'a;b', "odd;name" int);
            /* block; /* nested; */ still comment */
            CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;
            INSERT INTO t VALUES ('it''s; fine', 1);
            DO $$ BEGIN PERFORM 1; END $$;
            """
        #expect(SQLStatements.split(sql) == [
            "-- a comment; not a statement\nCREATE TABLE t (note text DEFAULT 'a;b', \"odd;name\" int)",
            "/* block; /* nested; */ still comment */\nCREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql",
            "INSERT INTO t VALUES ('it''s; fine', 1)",
            "DO $$ BEGIN PERFORM 1; END $$",
        ])
    }

    @Test func dropsEmptyAndCommentOnlyStatements() {
        #expect(SQLStatements.split(" ; -- trailing\n;\n") == [])
        #expect(SQLStatements.split("SELECT $1") == ["SELECT $1"])
    }
}
