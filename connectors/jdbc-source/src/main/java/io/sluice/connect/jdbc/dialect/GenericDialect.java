package io.sluice.connect.jdbc.dialect;

/** Any database with a JDBC driver: standard SQL, standard quoting, standard metadata. */
public final class GenericDialect extends Dialect {

    GenericDialect(boolean quote) {
        super(quote);
    }

    @Override
    public String name() {
        return "generic";
    }
}
