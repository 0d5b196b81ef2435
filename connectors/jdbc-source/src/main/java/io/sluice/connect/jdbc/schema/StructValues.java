package io.sluice.connect.jdbc.schema;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.apache.kafka.connect.data.Struct;

/**
 * Direct access to a {@link Struct}'s value array, for filling rows without {@code Struct.put}: put validates each
 * value against its field's schema and builds an error-location string for every call, even for valid values, which
 * was a quarter of the read thread's time in the JDBC benchmark. Rows need no such check: each column reader returns
 * exactly the Java type of the schema it declares (the module's tests validate every delivered struct). Where a Kafka
 * version lays Struct out differently, {@link #of} answers null and rows are filled with {@code put}.
 */
final class StructValues {

    private static final VarHandle VALUES = find();

    private StructValues() {
    }

    private static VarHandle find() {
        try {
            return MethodHandles.privateLookupIn(Struct.class, MethodHandles.lookup())
                    .findVarHandle(Struct.class, "values", Object[].class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** The array {@code struct} keeps its values in, or null when it cannot be reached. */
    static Object[] of(Struct struct) {
        return VALUES == null ? null : (Object[]) VALUES.get(struct);
    }
}
