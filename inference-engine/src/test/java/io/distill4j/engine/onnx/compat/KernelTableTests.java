package io.distill4j.engine.onnx.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;

import io.distill4j.engine.onnx.compat.KernelTable.Kernel;
import io.distill4j.engine.session.ExecutionProvider;
import org.junit.jupiter.api.Test;

class KernelTableTests {

    private static final List<String> SAMPLE = List.of(
            "# a comment, then a blank line",
            "",
            "ai.onnx\tAbs\t13\t\tX:T\tY:T\tT=double,float,int8",
            "ai.onnx\tAbs\t6\t12\tX:T\tY:T\tT=double,float",
            "ai.onnx\tMatMulInteger\t10\t\tA:T1,B:T2,a_zero_point:T1,b_zero_point:T2\tY:T3\tT1=int8,uint8;T2=int8,uint8;T3=int32",
            "ai.onnx\tShape\t13\t\tdata:T\tshape:int64\tT=float,int64",
            "ai.onnx\tIdentity\t19\t\tinput:T\toutput:T\tV=seq(map(int64,float)),float",
            "com.microsoft\tQGemm\t1\t\tA:TA\tY:TY\tTA=uint8,int8;TY=float,uint8,int8\r");

    private static KernelTable sample() {
        return KernelTable.parse("sample.tsv", SAMPLE);
    }

    @Test
    void findsTheKernelWhoseVersionRangeHoldsTheImportedOpset() {
        KernelTable table = sample();

        assertThat(table.size()).isEqualTo(6);
        assertThat(table.lookup("ai.onnx", "Abs", 13)).extracting(Kernel::since).containsExactly(13);
        assertThat(table.lookup("", "Abs", 20)).extracting(Kernel::versions).containsExactly("13+");
        assertThat(table.lookup("", "Abs", 12)).extracting(Kernel::versions).containsExactly("[6, 12]");
        assertThat(table.lookup("", "Abs", 5)).isEmpty();
        assertThat(table.lookup("", "Relu", 13)).isEmpty();
        assertThat(table.kernels("ai.onnx", "Abs")).hasSize(2);
        assertThat(table.lookup("com.microsoft", "QGemm", 1)).hasSize(1);
        assertThat(table.hasDomain("com.microsoft")).isTrue();
        assertThat(table.hasDomain("custom.ops")).isFalse();
        assertThat(table.highestSinceVersion("ai.onnx")).isEqualTo(19);
    }

    @Test
    void givesTheTypesEachInputAccepts() {
        Kernel matMulInteger = sample().lookup("", "MatMulInteger", 13).get(0);

        assertThat(matMulInteger.inputTypes(0)).contains(Set.of("int8", "uint8"));
        assertThat(matMulInteger.acceptsInput(1, "int8")).isTrue();
        assertThat(matMulInteger.acceptsInput(1, "float")).isFalse();
        assertThat(matMulInteger.outputTypes(0)).contains(Set.of("int32"));
        // Beyond the formal inputs nothing is constrained.
        assertThat(matMulInteger.inputTypes(4)).isEmpty();
        assertThat(matMulInteger.acceptsInput(4, "string")).isTrue();
        Kernel shape = sample().lookup("", "Shape", 13).get(0);
        assertThat(shape.outputTypes(0)).contains(Set.of("int64"));
    }

    @Test
    void aSignatureThatDoesNotMatchItsTypesConstrainsNothing() {
        // ONNX Runtime's list shows Identity-19 with the signature of an older version (T, not V).
        Kernel identity = sample().lookup("", "Identity", 19).get(0);

        assertThat(identity.typeConstraints().get("V")).containsExactly("seq(map(int64,float))", "float");
        assertThat(identity.signatureMatchesTypes()).isFalse();
        assertThat(identity.inputTypes(0)).isEmpty();
        assertThat(identity.acceptsInput(0, "int8")).isTrue();
    }

    @Test
    void rejectsAMalformedLineNamingTheFileAndLine() {
        assertMalformed("ai.onnx\tAbs\t13\t\tX:T\tY:T", "line 2: expected 7 tab-separated columns, found 6");
        assertMalformed("ai.onnx\tAbs\tthirteen\t\tX:T\tY:T\tT=float", "line 2: since 'thirteen' is not a positive integer");
        assertMalformed("ai.onnx\tAbs\t13\t12\tX:T\tY:T\tT=float", "line 2: until 12 is before since 13");
        assertMalformed("ai.onnx\t\t13\t\tX:T\tY:T\tT=float", "line 2: operator '' is empty");
        assertMalformed("ai.onnx\tAbs\t13\t\tX\tY:T\tT=float", "line 2: inputs entry 'X' is not name:CONSTRAINT");
        assertMalformed("ai.onnx\tAbs\t13\t\tX:T\tY:T\tT", "line 2: types entry 'T' is not NAME=type,type,...");
        assertMalformed("ai.onnx\tAbs\t13\t\tX:T\tY:T\tT=float;T=int8", "line 2: type constraint T is listed twice");
        assertMalformed("ai.onnx\tAbs\t13\t\tX:T\tY:T\tT=seq(float", "line 2: types 'T=seq(float' has unbalanced parentheses");
        assertThatThrownBy(() -> KernelTable.parse("empty.tsv", List.of("# nothing")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("empty.tsv has no kernel lines");
    }

    private static void assertMalformed(String line, String message) {
        assertThatThrownBy(() -> KernelTable.parse("bad.tsv", List.of("# header", line)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("bad.tsv " + message);
    }

    @Test
    void theBundledTablesOfBothProvidersParseAndHoldHundredsOfKernels() {
        KernelTable cpu = KernelTable.of(ExecutionProvider.CPU);
        KernelTable cuda = KernelTable.of(ExecutionProvider.CUDA);

        assertThat(cpu.source()).isEqualTo("ort-kernels-cpu.tsv");
        assertThat(cpu.size()).isGreaterThan(500);
        assertThat(cuda.size()).isGreaterThan(300);
        assertThat(KernelTable.of(ExecutionProvider.CPU)).isSameAs(cpu);
        assertThat(cpu.lookup("", "MatMulInteger", 13)).isNotEmpty();
        assertThat(cpu.lookup("", "DynamicQuantizeLinear", 13)).isNotEmpty();
        // ONNX Runtime has no CUDA kernel for dynamic quantization, and its MatMulInteger takes int8 only.
        assertThat(cuda.lookup("", "DynamicQuantizeLinear", 13)).isEmpty();
        assertThat(cuda.lookup("", "MatMulInteger", 13).get(0).acceptsInput(0, "uint8")).isFalse();
        assertThat(cpu.hasDomain("ai.onnx.ml")).isTrue();
        assertThat(cuda.hasDomain("ai.onnx.ml")).isFalse();
        assertThat(cpu.highestSinceVersion("")).isGreaterThanOrEqualTo(21);
    }
}
