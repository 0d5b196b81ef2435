package io.sluice.connect.sizing.rest;

import javax.ws.rs.Consumes;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.Map;

/** The sizing endpoints for workers whose REST layer is javax.ws.rs (Kafka 3.x). */
@Path("/sizing")
@Produces(MediaType.APPLICATION_JSON)
public class JavaxSizingResource {

    private final SizingService service;

    public JavaxSizingResource(SizingService service) {
        this.service = service;
    }

    @POST
    @Consumes({MediaType.APPLICATION_JSON, "application/yaml", MediaType.TEXT_PLAIN})
    public Response size(String workload) {
        return respond(service.size(workload));
    }

    @GET
    @Path("/connect-cluster")
    public Response connectCluster(@Context UriInfo uri) {
        Map<String, String> query = new LinkedHashMap<>();
        uri.getQueryParameters().forEach((k, v) -> query.put(k, v.get(v.size() - 1)));
        return respond(service.connectCluster(query));
    }

    private static Response respond(SizingService.Reply reply) {
        return Response.status(reply.status()).entity(reply.json()).type(MediaType.APPLICATION_JSON).build();
    }
}
